/**
 * A linear program built column by column and row by row, handed to HiGHS as sparse arrays
 * (CSR). Passing arrays instead of LP-format text means no text parser and no line-length limit
 * however many devices share a row, and the variables come back by index, not by name.
 */

export interface Term {
  col: number;
  coef: number;
}

export class LpBuilder {
  readonly colCost: number[] = [];
  readonly colLower: number[] = [];
  readonly colUpper: number[] = [];
  readonly rowLower: number[] = [];
  readonly rowUpper: number[] = [];
  readonly starts: number[] = [0];
  readonly indices: number[] = [];
  readonly values: number[] = [];

  /** a new variable lower <= x <= upper with its cost per unit; returns its column */
  addVar(lower: number, upper: number, cost = 0): number {
    if (!(lower <= upper)) throw new Error(`planner: variable ${this.colCost.length} has lower bound ${lower} above upper bound ${upper}`);
    this.colCost.push(cost);
    this.colLower.push(lower);
    this.colUpper.push(upper);
    return this.colCost.length - 1;
  }

  /** a row lower <= sum(coef x) <= upper; terms with a zero coefficient are left out */
  addRow(lower: number, upper: number, terms: readonly Term[]): number {
    for (const t of terms) {
      if (t.coef === 0) continue;
      this.indices.push(t.col);
      this.values.push(t.coef);
    }
    this.starts.push(this.indices.length);
    this.rowLower.push(lower);
    this.rowUpper.push(upper);
    return this.rowLower.length - 1;
  }

  addCost(col: number, cost: number): void {
    this.colCost[col] += cost;
  }

  get numCols(): number {
    return this.colCost.length;
  }

  get numRows(): number {
    return this.rowLower.length;
  }
}
