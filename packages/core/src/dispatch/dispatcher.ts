import { inject, injectable } from 'inversify';
import { INTERNAL_TOKENS, TOKENS } from '../tokens.js';
import { encodeReply, type EncodedReply } from '../protocol/json-encoder.js';
import type { Logger } from '../ports/logger-port.js';
import { silentLogger } from '../agent/stream-logger.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../protocol/json-value.js';
import { QgaError, isQgaError } from '../protocol/qga-error.js';
import { qdictOrder } from '../protocol/qdict-order.js';
import type { Inbound } from '../protocol/inbound.js';
import { validateArgs } from './arg-validator.js';
import type { CommandRegistry, CommandEntry } from './command-registry.js';
import type { CommandContext } from './command.js';
import { errorReply, type Reply } from './reply.js';

/**
 * Runs one decoded request through the checks of docs/protocol.md#request-checks, in qemu-ga's
 * order, and produces its reply (or null: success of a success-response:false
 * command). Returns synchronously when the command does, so the common case
 * costs no promise.
 */
@injectable()
export class Dispatcher {
  constructor(
    @inject(INTERNAL_TOKENS.CommandRegistry) private readonly registry: CommandRegistry,
    @inject(TOKENS.Logger) private readonly logger: Logger = silentLogger,
  ) {}

  /**
   * dispatch() plus encoding, for the session pipeline: the reply's bytes, or
   * null when nothing is sent. A result that cannot be encoded (a plugin that
   * returns a cycle, a symbol, a function) becomes a GenericError reply to
   * that request and a log line; the session and the agent go on.
   */
  respond(inbound: Inbound, sessionId: number): EncodedReply | null | Promise<EncodedReply | null> {
    const reply = this.dispatch(inbound, sessionId);
    return reply instanceof Promise ? reply.then((r) => this.encode(r, inbound)) : this.encode(reply, inbound);
  }

  private encode(reply: Reply | null, inbound: Inbound): EncodedReply | null {
    if (reply === null) return null;
    try {
      return encodeReply(reply.body, reply.delimited);
    } catch (e) {
      const name = inbound.kind === 'request' && isJsonObject(inbound.value) ? String(inbound.value.execute) : '?';
      const why = describe(e);
      this.logger.log('error', `the result of ${name} cannot be sent: ${why}`);
      const id = 'id' in reply.body ? reply.body.id : undefined;
      const desc = `the result of ${name} cannot be encoded as JSON: ${why}`;
      const fallback = errorReply('GenericError', desc, id);
      return encodeReply(fallback.body, reply.delimited);
    }
  }

  dispatch(inbound: Inbound, sessionId: number): Reply | null | Promise<Reply | null> {
    if (inbound.kind === 'error') return errorReply('GenericError', inbound.desc);
    const request = inbound.value;
    if (!isJsonObject(request)) return errorReply('GenericError', 'QMP input must be a JSON object');
    const id = Object.prototype.hasOwnProperty.call(request, 'id') ? request.id : undefined;
    try {
      const entry = this.checkEnvelope(request);
      const args = validateArgs(entry.command.spec.args, request.arguments as JsonObject | undefined);
      let delimited = false;
      const ctx: CommandContext = {
        sessionId,
        delimitReply: () => {
          delimited = true;
        },
      };
      const result = entry.command.run(args, ctx);
      if (result instanceof Promise) {
        return result.then(
          (value) => this.success(entry, value, id, delimited),
          (e: unknown) => failure(e, id),
        );
      }
      return this.success(entry, result, id, delimited);
    } catch (e) {
      return failure(e, id);
    }
  }

  private checkEnvelope(request: JsonObject): CommandEntry {
    // The first bad member in QDict order wins; a well-formed request needs no ordering.
    const keys = Object.keys(request);
    if (keys.some((key) => !memberIsValid(key, request[key]!))) {
      const first = qdictOrder(keys).find((key) => !memberIsValid(key, request[key]!))!;
      throw new QgaError(memberError(first));
    }
    const name = request.execute;
    if (name === undefined) throw new QgaError("QMP input lacks member 'execute'");
    const entry = this.registry.get(name as string);
    if (!entry) throw new QgaError(`The command ${name as string} has not been found`, 'CommandNotFound');
    if (!this.registry.isEnabled(entry)) {
      throw new QgaError(`Command ${entry.name} has been disabled: the command is not allowed`, 'CommandNotFound');
    }
    return entry;
  }

  private success(entry: CommandEntry, value: unknown, id: JsonValue | undefined, delimited: boolean): Reply | null {
    if (!entry.successResponse) return null;
    const body: { return: unknown; id?: JsonValue } = { return: value === undefined ? {} : value };
    if (id !== undefined) body.id = id;
    return { body, delimited };
  }
}

function memberIsValid(key: string, value: JsonValue): boolean {
  if (key === 'execute') return typeof value === 'string';
  if (key === 'arguments') return isJsonObject(value);
  return key === 'id';
}

function memberError(key: string): string {
  if (key === 'execute') return "QMP input member 'execute' must be a string";
  if (key === 'arguments') return "QMP input member 'arguments' must be an object";
  return `QMP input member '${key}' is unexpected`;
}

function failure(e: unknown, id: JsonValue | undefined): Reply {
  if (isQgaError(e)) return errorReply(e.errorClass, e.message, id);
  // A bug in a command must not take the agent down: report it like qemu-ga reports failures.
  return errorReply('GenericError', describe(e), id);
}

/** A thrown value as text, whatever it is (even an object whose toString throws). */
function describe(e: unknown): string {
  try {
    return e instanceof Error ? String(e.message) : String(e);
  } catch {
    return 'the command failed with a value that cannot be described';
  }
}
