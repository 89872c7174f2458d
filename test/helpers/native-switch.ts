/** For the enclosing describe: native item products from any size (native-products.ts), the switch restored after it. */
import { afterAll, beforeAll } from 'vitest';
import { setNativeProductsMinFloats } from '../../main/core/models/native-products';

export function nativeProductsForAnySize(): void {
  let before = 0;
  beforeAll(() => {
    before = setNativeProductsMinFloats(0);
  });
  afterAll(() => {
    setNativeProductsMinFloats(before);
  });
}
