/**
 * A QAPI-like description of command arguments. Member names prefixed with
 * `*` are optional, as in QEMU's schema. The validator (arg-validator.ts)
 * turns a request's `arguments` into typed values or a QAPI error message.
 *
 * Values delivered to commands: int/uint64 → bigint, number → number,
 * str → string, bool → boolean, enum → string, list → array, struct → object
 * (kebab-case keys as on the wire), alternate → the chosen branch's value.
 * base64 is a str on the wire (same checks, same errors) that the command
 * passes to decodeBase64: a string, or a RawBase64 for a big member of an
 * object, decoded from the bytes it arrived in without becoming a string.
 */
export type ScalarType = 'int' | 'uint64' | 'str' | 'base64' | 'bool' | 'number';

/** A QAPI enum: a string restricted to `values`; `name` appears in error messages. */
export interface EnumType {
  readonly kind: 'enum';
  readonly name: string;
  readonly values: readonly string[];
}

/** A QAPI list (JSON array) of one element type. */
export interface ListType {
  readonly kind: 'list';
  readonly of: TypeSpec;
}

/** A QAPI struct (JSON object) with named members. */
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

/** Any argument type: a scalar name or one of the compound descriptions. */
export type TypeSpec = ScalarType | EnumType | ListType | StructType | AlternateType;

/** Member name (with `*` prefix when optional) → type, in schema order. */
export type MembersSpec = Readonly<Record<string, TypeSpec>>;

/** Builders for the compound argument types, used in a command's `spec.args`. */
export const qapi = {
  /** An enum named `name` with the allowed `values`. */
  enum(name: string, values: readonly string[]): EnumType {
    return { kind: 'enum', name, values };
  },
  /** A list whose elements have type `of`. */
  list(of: TypeSpec): ListType {
    return { kind: 'list', of };
  },
  /** A struct with the given members (a `*` prefix marks an optional member). */
  struct(members: MembersSpec): StructType {
    return { kind: 'struct', members };
  },
  /** An alternate: the JSON type of the value chooses among `branches`. */
  alternate(name: string, branches: AlternateType['branches']): AlternateType {
    return { kind: 'alternate', name, branches };
  },
};
