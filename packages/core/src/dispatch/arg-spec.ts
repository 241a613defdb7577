/**
 * A QAPI-like description of command arguments. Member names prefixed with
 * `*` are optional, as in QEMU's schema. The validator (arg-validator.ts)
 * turns a request's `arguments` into typed values or a QAPI error message.
 *
 * Values delivered to commands: int/uint64 → bigint, number → number,
 * str → string, bool → boolean, enum → string, list → array, struct → object
 * (kebab-case keys as on the wire), alternate → the chosen branch's value.
 */
export type ScalarType = 'int' | 'uint64' | 'str' | 'bool' | 'number';

export interface EnumType {
  readonly kind: 'enum';
  readonly name: string;
  readonly values: readonly string[];
}

export interface ListType {
  readonly kind: 'list';
  readonly of: TypeSpec;
}

export interface StructType {
  readonly kind: 'struct';
  readonly members: MembersSpec;
}

/** A QAPI alternate: the JSON type of the value picks the branch. */
export interface AlternateType {
  readonly kind: 'alternate';
  readonly name: string;
  readonly branches: {
    readonly int?: 'int';
    readonly str?: 'str' | EnumType;
    readonly bool?: 'bool';
  };
}

export type TypeSpec = ScalarType | EnumType | ListType | StructType | AlternateType;

/** Member name (with `*` prefix when optional) → type, in schema order. */
export type MembersSpec = Readonly<Record<string, TypeSpec>>;

export const qapi = {
  enum(name: string, values: readonly string[]): EnumType {
    return { kind: 'enum', name, values };
  },
  list(of: TypeSpec): ListType {
    return { kind: 'list', of };
  },
  struct(members: MembersSpec): StructType {
    return { kind: 'struct', members };
  },
  alternate(name: string, branches: AlternateType['branches']): AlternateType {
    return { kind: 'alternate', name, branches };
  },
};
