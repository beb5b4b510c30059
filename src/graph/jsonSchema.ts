import { z } from 'zod';
import { DesignCore, DesignEdge, DesignMetadata, DesignNode, RepeatGroup } from './design';
import { SavedRuns } from './savedRuns';

/**
 * The published JSON Schema for design files; editors and other tools validate against it. It spells
 * out the saved runs in full, which the reader itself checks one by one (see Design in design.ts).
 */
export function designJsonSchema(): Record<string, unknown> {
  const DesignFile = DesignCore.extend({ runs: SavedRuns.optional() });
  // The parts a run's design snapshot shares with the document are written once under $defs.
  const names = z.registry<{ id: string }>();
  for (const [schema, id] of [
    [DesignCore, 'DesignCore'],
    [DesignNode, 'Node'],
    [DesignEdge, 'Edge'],
    [RepeatGroup, 'RepeatGroup'],
    [DesignMetadata, 'Metadata'],
  ] as const)
    names.add(schema, { id });
  return {
    ...z.toJSONSchema(DesignFile, { io: 'input', target: 'draft-2020-12', metadata: names }),
    $id: 'https://rescanvas.app/schema/rescanvas.design.v1.json',
    title: 'ResCanvas design',
  };
}
