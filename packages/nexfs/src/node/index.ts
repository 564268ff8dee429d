/**
 * @nexus/nexfs/node: the Node-only parts (image files through `node:fs`).
 *
 * @module
 */
export { FileFlash } from './file-flash.js';
