import {
  CircuitOpenError,
  ConfigError,
  DataError,
  NotFoundError,
  TimeoutError,
  TransientError,
  ValidationError,
} from '@trading/domain';
import { expect } from 'chai';

import { classifyError, errorMessage, httpStatusOf, isDataError, isTransient } from './classify.js';

describe('classifyError', () => {
  const cases: [string, unknown, 'transient' | 'data' | 'fatal'][] = [
    ['TransientError', new TransientError('x'), 'transient'],
    ['TimeoutError', new TimeoutError('x'), 'transient'],
    ['DataError', new DataError('x'), 'data'],
    ['ValidationError', new ValidationError('x'), 'data'],
    ['NotFoundError', new NotFoundError('x'), 'data'],
    ['CircuitOpenError (fail fast, not retried)', new CircuitOpenError('x'), 'fatal'],
    ['ConfigError', new ConfigError('x', []), 'fatal'],
    ['ECONNREFUSED', Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), 'transient'],
    ['ETIMEDOUT', Object.assign(new Error('x'), { code: 'ETIMEDOUT' }), 'transient'],
    ['postgres admin shutdown 57P01', Object.assign(new Error('x'), { code: '57P01' }), 'transient'],
    [
      'redis SocketClosedUnexpectedlyError',
      Object.assign(new Error('x'), { name: 'SocketClosedUnexpectedlyError' }),
      'transient',
    ],
    [
      'an error whose class (not name) is SocketClosedUnexpectedlyError',
      new (class SocketClosedUnexpectedlyError extends Error {})('x'),
      'transient',
    ],
    [
      'a Redis LOADING reply after a restart',
      new Error('LOADING Redis is loading the dataset in memory'),
      'transient',
    ],
    ['HTTP 500', { status: 500 }, 'transient'],
    ['HTTP 503 as statusCode', { statusCode: 503 }, 'transient'],
    ['HTTP 429', { status: 429 }, 'transient'],
    ['HTTP 422', { status: 422 }, 'data'],
    ['HTTP 404', { status: 404 }, 'data'],
    ['a JSON SyntaxError', new SyntaxError('Unexpected token'), 'data'],
    ['a TypeError (a bug)', new TypeError('undefined is not a function'), 'fatal'],
    ['a string', 'oops', 'fatal'],
    ['null', null, 'fatal'],
    [
      'a wrapper whose cause is transient',
      new Error('wrapped', { cause: { code: 'ECONNRESET' } }),
      'transient',
    ],
  ];
  for (const [name, err, kind] of cases) {
    it(`classifies ${name} as ${kind}`, () => {
      expect(classifyError(err)).to.equal(kind);
      expect(isTransient(err)).to.equal(kind === 'transient');
      expect(isDataError(err)).to.equal(kind === 'data');
    });
  }

  it('gives AppErrors a code, a kind and a name, and no HTTP status (the HTTP edge decides it)', () => {
    const err = new ValidationError('limit must be ≤ 1000', [{ field: 'limit' }]);
    expect(err).to.include({ code: 'VALIDATION_FAILED', kind: 'data', name: 'ValidationError' });
    expect(err.details).to.deep.equal([{ field: 'limit' }]);
    expect(new NotFoundError('x')).to.include({ code: 'NOT_FOUND' }).and.not.have.property('status');
  });

  it('reads HTTP status and messages of any thrown value', () => {
    expect(httpStatusOf({ statusCode: 502 })).to.equal(502);
    expect(httpStatusOf('x')).to.equal(undefined);
    expect(errorMessage(new Error('m'))).to.equal('m');
    expect(errorMessage('s')).to.equal('s');
    expect(errorMessage({ a: 1 })).to.equal('{"a":1}');
  });
});
