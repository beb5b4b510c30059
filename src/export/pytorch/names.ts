/**
 * Python names for design ids. Ids are already identifiers ([A-Za-z][A-Za-z0-9_]*), but some are Python
 * keywords, torch.nn.Module attributes (an attribute called `training` or `forward` would break the
 * module) or names the generated file itself uses; those get a suffix.
 */
const PYTHON_KEYWORDS = [
  'False',
  'None',
  'True',
  'and',
  'as',
  'assert',
  'async',
  'await',
  'break',
  'class',
  'continue',
  'def',
  'del',
  'elif',
  'else',
  'except',
  'finally',
  'for',
  'from',
  'global',
  'if',
  'import',
  'in',
  'is',
  'lambda',
  'nonlocal',
  'not',
  'or',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'yield',
  'match',
  'case',
  'type',
];

/** dir(nn.Module) and dir(nn.ModuleList) in torch 1.13, plus what later releases added. */
const MODULE_ATTRIBUTES = [
  'T_destination',
  'add_module',
  'append',
  'apply',
  'bfloat16',
  'buffers',
  'children',
  'cpu',
  'cuda',
  'double',
  'dump_patches',
  'eval',
  'extend',
  'extra_repr',
  'float',
  'forward',
  'get_buffer',
  'get_extra_state',
  'get_parameter',
  'get_submodule',
  'half',
  'insert',
  'ipu',
  'load_state_dict',
  'modules',
  'named_buffers',
  'named_children',
  'named_modules',
  'named_parameters',
  'parameters',
  'pop',
  'register_backward_hook',
  'register_buffer',
  'register_forward_hook',
  'register_forward_pre_hook',
  'register_full_backward_hook',
  'register_load_state_dict_post_hook',
  'register_module',
  'register_parameter',
  'requires_grad_',
  'set_extra_state',
  'share_memory',
  'state_dict',
  'to',
  'to_empty',
  'train',
  'training',
  'type',
  'xpu',
  'zero_grad',
  'compile',
  'mtia',
  'call_super_init',
  'set_submodule',
  'register_full_backward_pre_hook',
  'register_state_dict_pre_hook',
  'register_state_dict_post_hook',
  'register_load_state_dict_pre_hook',
];

/** Globals and locals of the generated model.py that a node's local variable must not shadow. */
const GENERATED_NAMES = [
  'self',
  'repeated',
  'torch',
  'nn',
  'F',
  'math',
  'json',
  'os',
  'sys',
  'Model',
  'build_model',
  'load_weights',
  'activation',
  'Dense',
  'Conv2d',
  'Pool2d',
  'GlobalAvgPool',
  'Flatten',
  'LayerNorm',
  'Add',
  'Concatenate',
  'NODES',
  'GROUPS',
  'node_modules',
  'INPUT_SHAPE',
  'INPUT_SHAPE_NHWC',
  'OUTPUT',
  'DESIGN_NAME',
  'print',
  'len',
  'range',
  'list',
  'dict',
  'int',
  'float',
  'str',
  'object',
  'super',
  'enumerate',
  'input',
  'id',
  'sum',
  'min',
  'max',
  'abs',
  'iter',
  'next',
  'zip',
  'map',
  'filter',
  'any',
  'all',
  'set',
  'tuple',
];

const RESERVED = new Set([...PYTHON_KEYWORDS, ...MODULE_ATTRIBUTES, ...GENERATED_NAMES]);

/** Hands out unique Python identifiers within one scope (a module's attributes and its forward's locals). */
export class PythonNames {
  private readonly used = new Set<string>(RESERVED);
  private readonly byId = new Map<string, string>();

  name(id: string): string {
    const known = this.byId.get(id);
    if (known) return known;
    let candidate = id;
    for (let n = 1; this.used.has(candidate); n++) candidate = n === 1 ? `${id}_node` : `${id}_node${n}`;
    this.used.add(candidate);
    this.byId.set(id, candidate);
    return candidate;
  }
}

/** `block` → `Block`, `res_stage_2` → `ResStage2`; a class name for a repeat group. */
export function className(id: string, taken: ReadonlySet<string>): string {
  const base = id
    .split('_')
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
  let candidate = `${base}Block`.replace(/BlockBlock$/, 'Block');
  for (let n = 2; taken.has(candidate) || RESERVED.has(candidate); n++) candidate = `${base}Block${n}`;
  return candidate;
}
