/** Bit fields of the status, interrupt and address-translation CSRs (Privileged spec 1.12). */

export const enum MStatus {
  SIE = 1 << 1,
  MIE = 1 << 3,
  SPIE = 1 << 5,
  UBE = 1 << 6,
  MPIE = 1 << 7,
  SPP = 1 << 8,
  MPP = 3 << 11,
  MPP_SHIFT = 11,
  FS = 3 << 13,
  MPRV = 1 << 17,
  SUM = 1 << 18,
  MXR = 1 << 19,
  TVM = 1 << 20,
  TW = 1 << 21,
  TSR = 1 << 22,
}

/** mstatus bits software may write (no F/V extensions, little-endian only). */
export const MSTATUS_WRITABLE =
  MStatus.SIE | MStatus.MIE | MStatus.SPIE | MStatus.MPIE | MStatus.SPP | MStatus.MPP | MStatus.MPRV |
  MStatus.SUM | MStatus.MXR | MStatus.TVM | MStatus.TW | MStatus.TSR;

/** The sstatus view of mstatus (Privileged spec 4.1.1). */
export const SSTATUS_MASK = MStatus.SIE | MStatus.SPIE | MStatus.UBE | MStatus.SPP | MStatus.SUM | MStatus.MXR;

/** Interrupt-pending/enable bits. */
export const enum Mip {
  SSIP = 1 << 1,
  MSIP = 1 << 3,
  STIP = 1 << 5,
  MTIP = 1 << 7,
  SEIP = 1 << 9,
  MEIP = 1 << 11,
}

export const ALL_INTERRUPTS = Mip.SSIP | Mip.MSIP | Mip.STIP | Mip.MTIP | Mip.SEIP | Mip.MEIP;
/** Interrupts that can be delegated to S-mode (mideleg is writable only for these). */
export const DELEGABLE_INTERRUPTS = Mip.SSIP | Mip.STIP | Mip.SEIP;
/** mip bits M-mode software may write; MSIP, MTIP and MEIP follow the CLINT and PLIC. */
export const MIP_WRITABLE = Mip.SSIP | Mip.STIP | Mip.SEIP;
/** Every exception except ecall from M-mode may be delegated (medeleg[11] is read-only zero). */
export const DELEGABLE_EXCEPTIONS = 0xb3ff & ~(1 << 11);

/** misa for RV32IMAC with S and U: MXL = 1 (32-bit). */
export const enum Misa {
  A = 1 << 0,
  C = 1 << 2,
  I = 1 << 8,
  M = 1 << 12,
  S = 1 << 18,
  U = 1 << 20,
  MXL32 = 1 << 30,
}
export const MISA_VALUE = Misa.MXL32 | Misa.A | Misa.C | Misa.I | Misa.M | Misa.S | Misa.U;

/** mseccfg bits for the Zkr seed CSR (Zkr spec 4.1). */
export const enum MSecCfg {
  USEED = 1 << 8,
  SSEED = 1 << 9,
}

/** Sv32 page-table entry bits (Privileged spec 4.3.1). */
export const enum Pte {
  V = 1 << 0,
  R = 1 << 1,
  W = 1 << 2,
  X = 1 << 3,
  U = 1 << 4,
  G = 1 << 5,
  A = 1 << 6,
  D = 1 << 7,
}
