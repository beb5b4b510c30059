export * from './types';
export * from '../../schema/datasetSpec';
export { loadDataset, applyScaling, type DatasetSources } from './load';
export { checkDatasetFitsDesign, fitDesignToDataset, type DatasetProblem, type DatasetProblemCode } from './fit';
export { previewDataset, DISTINCT_CAP, type DatasetPreview, type PointsPreview, type ImagesPreview, type ColumnsPreview, type ColumnSummary } from './preview';
export { MAX_CSV_BYTES, MAX_CSV_CLASSES, MAX_CSV_ROWS, CSV_LIMIT_TEXT, checkCsvSize } from './csv';
export { SHAPE_CLASSES } from './shapes';
export { packagedMnist, mnistDigitFile, MNIST_SIDE, type MnistDigitLoader } from './mnist';
export { mulberry32, type Rng } from './random';
