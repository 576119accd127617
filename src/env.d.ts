/// <reference types="astro/client" />

/** Uncompressed bytes of the engine and snapshot a playground downloads (set at build time). */
declare const __FAULTLINE_DOWNLOAD_BYTES__: number;
