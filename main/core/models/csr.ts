/** Sparse user × item matrices (CSR): binarised training rows and the transpose. */
import type { Csr } from '../types';

/**
 * User × item matrix with duplicate (user, item) entries merged. `binary` sets every value to
 * 1; otherwise a merged entry keeps the largest value. Columns stay sorted within a row.
 */
export function dedupeRows(m: Csr, binary: boolean): Csr {
  const indptr = new Int32Array(m.nRows + 1);
  const indices = new Int32Array(m.indices.length);
  const values = new Float32Array(m.indices.length);
  let o = 0;
  for (let r = 0; r < m.nRows; r++) {
    const a = m.indptr[r];
    const b = m.indptr[r + 1];
    for (let p = a; p < b; p++) {
      const c = m.indices[p];
      const v = binary ? 1 : m.values[p];
      if (o > indptr[r] && indices[o - 1] === c) {
        if (v > values[o - 1]) values[o - 1] = v;
        continue;
      }
      indices[o] = c;
      values[o] = v;
      o++;
    }
    indptr[r + 1] = o;
  }
  return { nRows: m.nRows, nCols: m.nCols, indptr, indices: indices.slice(0, o), values: values.slice(0, o) };
}

/** Transpose of a CSR matrix (columns sorted within each output row). */
export function transpose(m: Csr): Csr {
  const nnz = m.indices.length;
  const indptr = new Int32Array(m.nCols + 1);
  for (let p = 0; p < nnz; p++) indptr[m.indices[p] + 1]++;
  for (let c = 0; c < m.nCols; c++) indptr[c + 1] += indptr[c];
  const fill = indptr.slice(0, m.nCols);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  for (let r = 0; r < m.nRows; r++) {
    for (let p = m.indptr[r]; p < m.indptr[r + 1]; p++) {
      const q = fill[m.indices[p]]++;
      indices[q] = r;
      values[q] = m.values[p];
    }
  }
  return { nRows: m.nCols, nCols: m.nRows, indptr, indices, values };
}
