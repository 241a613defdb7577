export { LinuxMemory } from './linux-memory.js';
export { memoryBlockIndexes, memoryBlockFromFiles, parseBlockSizeBytes } from './memory-block-parser.js';
