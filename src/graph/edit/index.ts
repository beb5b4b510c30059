/** Pure editing operations over a Design, shared by the canvas, the CLI, lessons and tests. */
export * from './result';
export * from './nodes';
export * from './connect';
export * from './remove';
export * from './residual';
export * from './groups';
export * from './clipboard';
