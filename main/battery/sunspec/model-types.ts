/**
 * The shape of one SunSpec model as the driver and the simulator use it: points in register order
 * with their offsets from the model's first register (the `ID` point). The data itself is
 * generated from the SunSpec Alliance's JSON definitions (models.generated.ts).
 */
export type PointType =
  | 'uint16' | 'int16' | 'uint32' | 'int32' | 'acc16' | 'acc32' | 'acc64' | 'float32'
  | 'sunssf' | 'enum16' | 'enum32' | 'bitfield16' | 'bitfield32' | 'string' | 'pad' | 'count';

export interface PointDef {
  name: string;
  /** registers from the model's ID register */
  offset: number;
  /** registers */
  size: number;
  type: PointType;
  /** the name of the point holding this point's scale factor (power of ten) */
  sf: string | null;
  units: string | null;
  writable: boolean;
  mandatory: boolean;
  /** enum values or bit positions by name */
  symbols: ReadonlyArray<readonly [string, number]>;
}

export interface ModelDef {
  id: number;
  name: string;
  /** L: registers after ID and L */
  length: number;
  points: readonly PointDef[];
}
