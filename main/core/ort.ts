/**
 * onnxruntime-node, loaded with its telemetry off (ort-telemetry.ts): the app's one import of it
 * (eslint forbids any other), so that no inference session is created before the switch is set.
 */
import * as ort from 'onnxruntime-node';
import { ortTelemetryOff } from './ort-telemetry';

ortTelemetryOff();

export { ort };
