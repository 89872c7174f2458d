/** The recharts components, one chunk (see lazy.tsx): recharts and its d3 parts load after the landing page. */
export { CurveChart } from './CurveChart';
export { ErrorBarChart } from './ErrorBarChart';
export { SignalBars } from './SignalBars';
