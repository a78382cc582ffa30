import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  AuthenticationRequiredError,
  ConflictError,
  DaemonNotFoundError,
  HttpError,
  NetworkError,
  NotFoundError,
  PiecesBackupError,
  ProtocolError,
  ServerError,
  TimeoutError,
  UpdateRequiredError,
  createHttpError,
  isAbortedError,
  isAuthenticationRequiredError,
  isConflictError,
  isDaemonNotFoundError,
  isHttpError,
  isNetworkError,
  isNotFoundError,
  isPiecesBackupError,
  isProtocolError,
  isServerError,
  isTimeoutError,
  isUpdateRequiredError,
  toBackupError,
} from '../../src/api/index.js';
import { DecodeError } from '../../src/models/index.js';

const request = { method: 'GET', url: 'http://127.0.0.1:1/backups' };

describe('createHttpError', () => {
  it.each([
    [404, NotFoundError, 'NotFoundError'],
    [409, ConflictError, 'ConflictError'],
    [500, ServerError, 'ServerError'],
    [503, ServerError, 'ServerError'],
    [505, UpdateRequiredError, 'UpdateRequiredError'],
    [511, AuthenticationRequiredError, 'AuthenticationRequiredError'],
    [400, HttpError, 'HttpError'],
  ] as const)('maps %i to %s', (status, type, name) => {
    const error = createHttpError({ ...request, status, body: 'why it failed' });
    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(PiecesBackupError);
    expect(error.name).toBe(name);
    expect(error.status).toBe(status);
    expect(error.body).toBe('why it failed');
    expect(error.message).toContain('why it failed');
    expect(isHttpError(error)).toBe(true);
  });
});

describe('type guards', () => {
  const samples = {
    NotFoundError: new NotFoundError(request),
    ConflictError: new ConflictError(request),
    ServerError: new ServerError({ ...request, status: 500 }),
    UpdateRequiredError: new UpdateRequiredError(request),
    AuthenticationRequiredError: new AuthenticationRequiredError(request),
    NetworkError: new NetworkError(request),
    TimeoutError: new TimeoutError({ ...request, timeoutMs: 10 }),
    ProtocolError: new ProtocolError({ message: 'bad', url: request.url, path: 'iterable[0].id' }),
    AbortedError: new AbortedError(),
    DaemonNotFoundError: new DaemonNotFoundError(['http://127.0.0.1:39300']),
  };
  const guards = {
    NotFoundError: isNotFoundError,
    ConflictError: isConflictError,
    ServerError: isServerError,
    UpdateRequiredError: isUpdateRequiredError,
    AuthenticationRequiredError: isAuthenticationRequiredError,
    NetworkError: isNetworkError,
    TimeoutError: isTimeoutError,
    ProtocolError: isProtocolError,
    AbortedError: isAbortedError,
    DaemonNotFoundError: isDaemonNotFoundError,
  };

  it('each guard accepts its own class and no other', () => {
    for (const [name, guard] of Object.entries(guards)) {
      for (const [sampleName, sample] of Object.entries(samples)) {
        expect(guard(sample), `${name} on ${sampleName}`).toBe(name === sampleName);
      }
      expect(isPiecesBackupError(samples[name as keyof typeof samples])).toBe(true);
    }
  });

  it('works across realms: a structurally branded copy passes, a DOMException TimeoutError does not', () => {
    const foreign = Object.assign(new Error('x'), { name: 'NotFoundError', [Symbol.for('pieces-backup.error')]: true });
    expect(isNotFoundError(foreign)).toBe(true);
    expect(isHttpError(foreign)).toBe(true);
    expect(isTimeoutError(new DOMException('late', 'TimeoutError'))).toBe(false);
    expect(isPiecesBackupError(new Error('plain'))).toBe(false);
    expect(isPiecesBackupError(null)).toBe(false);
  });
});

describe('toBackupError', () => {
  it('passes ours through and wraps the rest', () => {
    const ours = new ConflictError(request);
    expect(toBackupError(ours)).toBe(ours);
    expect(toBackupError(new DOMException('stop', 'AbortError')).name).toBe('AbortedError');
    const fromDecode = toBackupError(new DecodeError('iterable[1].bytes', 'number', 'x'));
    expect(isProtocolError(fromDecode) && fromDecode.path).toBe('iterable[1].bytes');
    expect(toBackupError(new TypeError('fetch failed')).name).toBe('NetworkError');
    const other = toBackupError('boom');
    expect(other.name).toBe('PiecesBackupError');
    expect(other.cause).toBe('boom');
  });
});
