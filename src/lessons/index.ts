export { LESSONS, findLesson } from './catalog';
export { runLesson, type LessonEvent, type LessonResult, type RunLessonOptions } from './runner';
export { type LessonEngine, type RunRecord, type DropReport, type TrainRequest, type TrainEvents } from './engine';
export { formatOutcome, formatTable, verdict } from './format';
export type { Lesson, LessonCheck, LessonOutcome, LessonOverlay, LessonRun, LessonSetup, LessonVariant, OutcomeTable } from './types';
export { ProtocolLessonEngine, type EngineLink } from './protocolEngine';
export { inProcessLessonEngine } from './inProcess';
