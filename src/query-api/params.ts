import { GatehouseError } from '../shared/errors.ts';
import {
  PATH_CONSTRAINT,
  TAG_KEY_CONSTRAINT,
  TAG_VALUE_CONSTRAINT,
  type TextConstraint,
  constraintProblems,
  constraintViolation,
  valueAt,
} from '../shared/model-constraints.ts';
import { ownEntry } from '../shared/own-entry.ts';

/**
 * Declarative parameter specs for each Action, and the reader that turns the flat
 * Query parameters into typed values. Every parameter not in the Action's spec is
 * refused; every constraint violation is reported the way AWS reports them, all in
 * one ValidationError ("2 validation errors detected: Value at 'userName' …").
 */

interface Base<R extends boolean> {
  required: R;
}
export interface StringSpec<R extends boolean = boolean> extends Base<R>, TextConstraint {
  kind: 'string';
  /** AWS's model marks it sensitive (a token): no validation message names its value. */
  sensitive?: boolean;
}
export interface IntSpec<R extends boolean = boolean> extends Base<R> {
  kind: 'int';
  min?: number;
  max?: number;
}
export interface BoolSpec<R extends boolean = boolean> extends Base<R> {
  kind: 'bool';
}
export interface EnumSpec<R extends boolean = boolean> extends Base<R> {
  kind: 'enum';
  values: readonly string[];
}
/** `Name.member.N` (or `Name=` for an empty list). */
export interface ListSpec<R extends boolean = boolean> extends Base<R> {
  kind: 'list';
  of: StringSpec;
  max?: number;
}
/** `Name.member.N.Field`, and `Name.member.N.Field.member.M` for a field that is a list */
export interface StructListSpec<
  F extends Record<string, StringSpec | ListSpec> = Record<string, StringSpec | ListSpec>,
  R extends boolean = boolean,
> extends Base<R> {
  kind: 'structList';
  fields: F;
  max?: number;
}

export type ParamSpec = StringSpec | IntSpec | BoolSpec | EnumSpec | ListSpec | StructListSpec;
export type ParamSpecs = Record<string, ParamSpec>;

type ValueOf<P> = P extends StringSpec | EnumSpec
  ? string
  : P extends IntSpec
    ? number
    : P extends BoolSpec
      ? boolean
      : P extends ListSpec
        ? string[]
        : P extends StructListSpec<infer F>
          ? Array<{ [K in keyof F]: F[K] extends ListSpec ? string[] : string }>
          : never;

export type ParamsOf<S extends ParamSpecs> = {
  [K in keyof S]: S[K] extends Base<true> ? ValueOf<S[K]> : ValueOf<S[K]> | undefined;
};

type Opt<T> = Omit<T, 'kind' | 'required'>;

export const str = <R extends boolean = false>(o: Opt<StringSpec> & { required?: R } = {}): StringSpec<R> => ({
  kind: 'string',
  ...o,
  required: (o.required ?? false) as R,
});
export const int = <R extends boolean = false>(o: Opt<IntSpec> & { required?: R } = {}): IntSpec<R> => ({
  kind: 'int',
  ...o,
  required: (o.required ?? false) as R,
});
export const bool = <R extends boolean = false>(o: { required?: R } = {}): BoolSpec<R> => ({
  kind: 'bool',
  required: (o.required ?? false) as R,
});
export const oneOf = <R extends boolean = false>(values: readonly string[], o: { required?: R } = {}): EnumSpec<R> => ({
  kind: 'enum',
  values,
  required: (o.required ?? false) as R,
});
export const list = <R extends boolean = false>(
  of: StringSpec,
  o: { max?: number; required?: R } = {},
): ListSpec<R> => ({
  kind: 'list',
  of,
  ...(o.max !== undefined ? { max: o.max } : {}),
  required: (o.required ?? false) as R,
});
export const structList = <F extends Record<string, StringSpec | ListSpec>, R extends boolean = false>(
  fields: F,
  o: { max?: number; required?: R } = {},
): StructListSpec<F, R> => ({
  kind: 'structList',
  fields,
  ...(o.max !== undefined ? { max: o.max } : {}),
  required: (o.required ?? false) as R,
});

/** `UserName` → `userName`, as AWS names members in validation messages. */
function memberName(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

const INDEX = /^[1-9]\d{0,3}$/;

function checkString(spec: StringSpec, value: string, at: string, problems: string[], showValues: boolean): void {
  problems.push(...constraintProblems(spec, value, at, showValues && !spec.sensitive));
}

function readScalar(
  spec: StringSpec | IntSpec | BoolSpec | EnumSpec,
  raw: string,
  at: string,
  problems: string[],
  showValues: boolean,
): unknown {
  if (spec.kind === 'string') {
    checkString(spec, raw, at, problems, showValues);
    return raw;
  }
  const subject = valueAt(at, showValues ? raw : undefined);
  switch (spec.kind) {
    case 'enum':
      if (!spec.values.includes(raw))
        problems.push(
          `${subject} failed to satisfy constraint: Member must satisfy enum value set: [${spec.values.join(', ')}]`,
        );
      return raw;
    case 'bool':
      if (raw !== 'true' && raw !== 'false') {
        problems.push(`${subject} failed to satisfy constraint: Member must be a boolean (true or false)`);
        return undefined;
      }
      return raw === 'true';
    case 'int': {
      if (!/^-?\d{1,10}$/.test(raw)) {
        problems.push(`${subject} failed to satisfy constraint: Member must be an integer`);
        return undefined;
      }
      const n = Number(raw);
      if (spec.min !== undefined && n < spec.min)
        problems.push(
          `${subject} failed to satisfy constraint: Member must have value greater than or equal to ${spec.min}`,
        );
      if (spec.max !== undefined && n > spec.max)
        problems.push(
          `${subject} failed to satisfy constraint: Member must have value less than or equal to ${spec.max}`,
        );
      return n;
    }
  }
}

/**
 * Reads `spec`'s parameters from `params` (which still holds Action and Version).
 * Unknown parameters → ValidationError naming the first; constraint violations →
 * one ValidationError listing them all, each naming the value when `showValues` (STS's
 * messages do, IAM's do not; a sensitive parameter's value is never named).
 */
export function readParams<S extends ParamSpecs>(
  action: string,
  spec: S,
  params: Map<string, string>,
  { showValues = false }: { showValues?: boolean } = {},
): ParamsOf<S> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  const lists = new Map<string, Map<number, Map<string, string>>>();

  for (const [name, value] of params) {
    if (name === 'Action' || name === 'Version') continue;
    const direct = ownEntry(spec, name);
    if (direct && direct.kind !== 'list' && direct.kind !== 'structList') continue;
    if (direct && value === '') {
      lists.set(name, lists.get(name) ?? new Map());
      continue;
    }
    const m = /^([A-Za-z]+)\.member\.([^.]+)(?:\.([A-Za-z]+)(?:\.member\.([^.]+))?)?$/.exec(name);
    const listSpec = m ? ownEntry(spec, m[1]) : undefined;
    const fieldSpec = m && listSpec?.kind === 'structList' ? ownEntry(listSpec.fields, m[3]) : undefined;
    const ok =
      m &&
      INDEX.test(m[2]!) &&
      listSpec &&
      ((listSpec.kind === 'list' && m[3] === undefined) ||
        (fieldSpec !== undefined &&
          (fieldSpec.kind === 'list' ? m[4] !== undefined && INDEX.test(m[4]) : m[4] === undefined)));
    if (!ok)
      throw new GatehouseError(
        'ValidationError',
        `The parameter ${name.slice(0, 64)} is not a parameter of ${action}.`,
      );
    const items = lists.get(m[1]!) ?? new Map<number, Map<string, string>>();
    lists.set(m[1]!, items);
    const item = items.get(Number(m[2])) ?? new Map<string, string>();
    items.set(Number(m[2]), item);
    // A list field's members are kept as `Field.M`.
    item.set(m[4] !== undefined ? `${m[3]}.${Number(m[4])}` : (m[3] ?? ''), value);
  }

  for (const [name, p] of Object.entries(spec)) {
    const at = memberName(name);
    if (p.kind === 'list' || p.kind === 'structList') {
      const items = lists.get(name);
      if (!items) {
        if (p.required) problems.push(`Value null at '${at}' failed to satisfy constraint: Member must not be null`);
        continue;
      }
      const indexes = [...items.keys()].sort((a, b) => a - b);
      if (indexes.some((n, i) => n !== i + 1)) {
        throw new GatehouseError('ValidationError', `The members of ${name} must be numbered from 1 without gaps.`);
      }
      if (p.max !== undefined && indexes.length > p.max) {
        problems.push(
          `Value at '${at}' failed to satisfy constraint: Member must have length less than or equal to ${p.max}`,
        );
      }
      out[name] = indexes.map((n) => {
        const item = items.get(n)!;
        if (p.kind === 'list') {
          checkString(p.of, item.get('')!, `${at}.${n}.member`, problems, showValues);
          return item.get('')!;
        }
        const struct: Record<string, string | string[]> = {};
        for (const [field, fieldSpec] of Object.entries(p.fields)) {
          const fieldAt = `${at}.${n}.member.${memberName(field)}`;
          if (fieldSpec.kind === 'list') {
            const members = [...item.keys()]
              .filter((k) => k.startsWith(`${field}.`))
              .map((k) => Number(k.slice(field.length + 1)))
              .sort((a, b) => a - b);
            if (members.some((k, i) => k !== i + 1))
              throw new GatehouseError(
                'ValidationError',
                `The members of ${name}.member.${n}.${field} must be numbered from 1 without gaps.`,
              );
            if (members.length === 0 && fieldSpec.required)
              problems.push(`Value null at '${fieldAt}' failed to satisfy constraint: Member must not be null`);
            if (fieldSpec.max !== undefined && members.length > fieldSpec.max) {
              problems.push(
                `Value at '${fieldAt}' failed to satisfy constraint: Member must have length less than or equal to ${fieldSpec.max}`,
              );
            }
            struct[field] = members.map((k) => {
              const v = item.get(`${field}.${k}`)!;
              checkString(fieldSpec.of, v, `${fieldAt}.${k}.member`, problems, showValues);
              return v;
            });
            continue;
          }
          const v = item.get(field);
          if (v === undefined) {
            if (fieldSpec.required)
              problems.push(`Value null at '${fieldAt}' failed to satisfy constraint: Member must not be null`);
            continue;
          }
          checkString(fieldSpec, v, fieldAt, problems, showValues);
          struct[field] = v;
        }
        return struct;
      });
      continue;
    }
    const raw = params.get(name);
    if (raw === undefined) {
      if (p.required) problems.push(`Value null at '${at}' failed to satisfy constraint: Member must not be null`);
      continue;
    }
    out[name] = readScalar(p, raw, at, problems, showValues);
  }

  if (problems.length > 0) throw constraintViolation(problems);
  return out as ParamsOf<S>;
}

/** Constraints AWS's model gives the parameters the Actions share. */
export const P = {
  userName: <R extends boolean = false>(required?: R) =>
    str({
      min: 1,
      max: 128,
      pattern: /^[\w+=,.@-]+$/,
      patternText: '[\\w+=,.@-]+',
      required: (required ?? false) as R,
    }),
  newUserName: () => str({ min: 1, max: 64, pattern: /^[\w+=,.@-]+$/, patternText: '[\\w+=,.@-]+' }),
  path: () => str({ ...PATH_CONSTRAINT }),
  pathPrefix: () =>
    str({ min: 1, max: 512, pattern: /^\/[\u0021-\u007F]*$/, patternText: '\\u002F[\\u0021-\\u007F]*' }),
  marker: () => str({ min: 1, max: 320, pattern: /^[\u0020-\u00FF]+$/, patternText: '[\\u0020-\\u00FF]+' }),
  maxItems: () => int({ min: 1, max: 1000 }),
  accessKeyId: <R extends boolean = false>(required?: R) =>
    str({ min: 16, max: 128, pattern: /^\w+$/, patternText: '[\\w]+', required: (required ?? false) as R }),
  password: <R extends boolean = false>(required?: R) =>
    str({
      min: 1,
      max: 128,
      pattern: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/,
      patternText: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
      required: (required ?? false) as R,
    }),
  tagKey: () => str({ ...TAG_KEY_CONSTRAINT, required: true }),
  tagValue: () => str({ ...TAG_VALUE_CONSTRAINT, required: true }),
  accountAlias: () =>
    str({
      min: 3,
      max: 63,
      pattern: /^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$/,
      patternText: '^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$',
      required: true,
    }),
};
