import { describe, expect, test } from '@jest/globals';
import {
  addressAllowed,
  checkResolved,
  checkUrlShape,
  forbiddenReason,
  parseIPv6,
} from '../../../core/webhooks/ssrf.ts';

const aws = { allowLoopback: false };
const local = { allowLoopback: true };

describe('address classification', () => {
  test.each([
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['169.254.169.254', 'metadata'],
    ['169.254.1.1', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.254', 'cgnat'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fd00:ec2::254', 'metadata'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['2002:c0a8:0101::1', 'private'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['not-an-ip', 'reserved'],
  ])('%s is %s', (address, reason) => {
    expect(forbiddenReason(address)).toBe(reason);
  });

  test.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '192.169.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
  ])('%s is public', (address) => {
    expect(forbiddenReason(address)).toBeUndefined();
  });

  test('loopback is allowed only by the local policy', () => {
    expect(addressAllowed('127.0.0.1', aws)).toBe(false);
    expect(addressAllowed('127.0.0.1', local)).toBe(true);
    expect(addressAllowed('10.0.0.1', local)).toBe(false);
    expect(addressAllowed('169.254.169.254', local)).toBe(false);
  });

  test('IPv6 parsing expands :: and embedded IPv4', () => {
    expect(parseIPv6('::ffff:1.2.3.4')?.slice(10)).toEqual([0xff, 0xff, 1, 2, 3, 4]);
    expect(parseIPv6('1:2:3:4:5:6:7:8:9')).toBeUndefined();
    expect(parseIPv6('1::2::3')).toBeUndefined();
  });
});

describe('URL checks', () => {
  test('AWS allows only https', () => {
    expect(checkUrlShape('http://example.com/hook', aws)).toEqual({ refused: 'only https URLs are allowed' });
    expect('target' in checkUrlShape('https://example.com/hook', aws)).toBe(true);
  });

  test('credentials and non-URLs are refused', () => {
    expect(checkUrlShape('https://u:p@example.com/', aws)).toHaveProperty('refused');
    expect(checkUrlShape('example.com', aws)).toHaveProperty('refused');
    expect(checkUrlShape('ftp://example.com', local)).toHaveProperty('refused');
  });

  test('literal addresses in odd notations are normalised by the URL parser and caught', () => {
    for (const url of [
      'https://2130706433/',
      'https://0x7f.1/',
      'https://[::ffff:127.0.0.1]/',
      'https://169.254.169.254/latest',
    ]) {
      const shape = checkUrlShape(url, aws);
      if (!('target' in shape)) throw new Error(`expected a target for ${url}`);
      expect(shape.target.literal).toBeDefined();
      expect(checkResolved(shape.target, [shape.target.literal!], aws)).toBeDefined();
    }
  });

  test('any forbidden address among the answers refuses the host', () => {
    const shape = checkUrlShape('https://hooks.example.com/x', aws);
    if (!('target' in shape)) throw new Error('expected a target');
    expect(checkResolved(shape.target, ['93.184.216.34'], aws)).toBeUndefined();
    expect(checkResolved(shape.target, ['93.184.216.34', '10.0.0.5'], aws)).toMatch(/private/);
    expect(checkResolved(shape.target, [], aws)).toMatch(/does not resolve/);
  });

  test('plain http goes to loopback only, even locally', () => {
    const shape = checkUrlShape('http://hooks.example.com/x', local);
    if (!('target' in shape)) throw new Error('expected a target');
    expect(checkResolved(shape.target, ['127.0.0.1'], local)).toBeUndefined();
    expect(checkResolved(shape.target, ['93.184.216.34'], local)).toMatch(/loopback addresses only/);
  });
});
