/**
 * Conformance table for the local EventBridge pattern matcher. Patterns and events come from the
 * AWS EventBridge user guide ("Event patterns", "Content filtering", "Comparison operators",
 * "Matching null values and empty strings", "Arrays in event patterns"); edge cases the guide
 * leaves implicit follow the behaviour of `aws/event-ruler`, the library EventBridge runs.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { InvalidEventPatternError } from '../../../local/event-router/errors.ts';
import {
  compilePattern,
  matchesPattern,
  validatePattern,
  type EventPattern,
} from '../../../local/event-router/pattern.ts';

interface Case {
  name: string;
  pattern: EventPattern;
  event: Record<string, unknown>;
  match: boolean;
}

/** The guide's running example: an EC2 state-change event. */
const ec2 = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

const detail = (d: Record<string, unknown>) => ({ ...ec2, detail: d });

const cases: Case[] = [
  // --- exact values, AND across fields, OR within a field
  {
    name: "exact: the guide's instance-termination pattern",
    pattern: {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['terminated'] },
    },
    event: ec2,
    match: true,
  },
  {
    name: 'exact: one field differs (AND fails)',
    pattern: { source: ['aws.ec2'], detail: { state: ['running'] } },
    event: ec2,
    match: false,
  },
  {
    name: 'exact: OR within a field',
    pattern: { source: ['aws.ec2', 'aws.fargate'] },
    event: ec2,
    match: true,
  },
  { name: 'exact: OR, none equal', pattern: { source: ['aws.s3', 'aws.fargate'] }, event: ec2, match: false },
  {
    name: 'exact: case-sensitive, no normalisation',
    pattern: { source: ['AWS.EC2'] },
    event: ec2,
    match: false,
  },
  {
    name: 'exact: field missing from event',
    pattern: { detail: { missing: ['x'] } },
    event: ec2,
    match: false,
  },
  { name: 'exact: same nesting required', pattern: { state: ['terminated'] }, event: ec2, match: false },
  {
    name: 'exact: fields not in the pattern are ignored',
    pattern: { region: ['us-west-1'] },
    event: ec2,
    match: true,
  },
  {
    name: 'exact: number',
    pattern: { detail: { 'risk-score': [80], trigger: { risk: [8] } } },
    event: detail({ 'risk-score': 80, trigger: { risk: 8 } }),
    match: true,
  },
  {
    name: 'exact: number differs',
    pattern: { detail: { 'risk-score': [80] } },
    event: detail({ 'risk-score': 81 }),
    match: false,
  },
  {
    name: 'exact: number never equals its string',
    pattern: { detail: { n: [5] } },
    event: detail({ n: '5' }),
    match: false,
  },
  {
    name: 'exact: string never equals a number',
    pattern: { detail: { n: ['5'] } },
    event: detail({ n: 5 }),
    match: false,
  },
  {
    name: 'exact: boolean true',
    pattern: { detail: { b: [true] } },
    event: detail({ b: true }),
    match: true,
  },
  {
    name: 'exact: boolean is not the string "true"',
    pattern: { detail: { b: [true] } },
    event: detail({ b: 'true' }),
    match: false,
  },
  { name: 'exact: false', pattern: { detail: { b: [false] } }, event: detail({ b: false }), match: true },
  { name: 'exact: a leaf never matches an object', pattern: { detail: ['x'] }, event: ec2, match: false },

  // --- null and empty strings (not interchangeable)
  {
    name: 'null: matches null',
    pattern: { detail: { responseElements: [null] } },
    event: detail({ eventVersion: '', responseElements: null }),
    match: true,
  },
  {
    name: 'null: does not match empty string',
    pattern: { detail: { eventVersion: [null] } },
    event: detail({ eventVersion: '', responseElements: null }),
    match: false,
  },
  {
    name: 'empty string: matches empty string',
    pattern: { detail: { eventVersion: [''] } },
    event: detail({ eventVersion: '', responseElements: null }),
    match: true,
  },
  {
    name: 'empty string: does not match null',
    pattern: { detail: { responseElements: [''] } },
    event: detail({ eventVersion: '', responseElements: null }),
    match: false,
  },
  {
    name: 'null: does not match a missing field',
    pattern: { detail: { gone: [null] } },
    event: ec2,
    match: false,
  },

  // --- arrays in events
  {
    name: 'array: non-empty intersection of pattern and event arrays',
    pattern: {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
      ],
    },
    event: {
      ...ec2,
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:x',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    },
    match: true,
  },
  { name: 'array: empty intersection', pattern: { resources: ['arn:x'] }, event: ec2, match: false },
  {
    name: 'array: empty event array matches nothing',
    pattern: { resources: ['arn:x'] },
    event: { ...ec2, resources: [] },
    match: false,
  },
  {
    name: 'array: nested arrays are flattened',
    pattern: { detail: { tags: ['b'] } },
    event: detail({ tags: [['a'], ['b']] }),
    match: true,
  },
  {
    name: 'array: of objects, field in one element',
    pattern: { detail: { employees: { firstName: ['Anna'] } } },
    event: detail({ employees: [{ firstName: 'John' }, { firstName: 'Anna' }] }),
    match: true,
  },
  {
    name: 'array: two fields must match in the same element',
    pattern: { detail: { employees: { firstName: ['Anna'], lastName: ['Jones'] } } },
    event: detail({
      employees: [
        { firstName: 'Anna', lastName: 'Smith' },
        { firstName: 'Peter', lastName: 'Jones' },
      ],
    }),
    match: false,
  },
  {
    name: 'array: two fields in the same element',
    pattern: { detail: { employees: { firstName: ['Peter'], lastName: ['Jones'] } } },
    event: detail({
      employees: [
        { firstName: 'Anna', lastName: 'Smith' },
        { firstName: 'Peter', lastName: 'Jones' },
      ],
    }),
    match: true,
  },
  {
    name: 'array: arrays of arrays of objects keep elements apart',
    pattern: { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
    event: {
      employees: [
        [
          { firstName: 'John', lastName: 'Doe' },
          { firstName: 'Anna', lastName: 'Smith' },
        ],
        [{ firstName: 'Peter', lastName: 'Jones' }],
      ],
    },
    match: false,
  },
  {
    name: 'array: exists false checked within the matching element',
    pattern: { employees: { firstName: ['Anna'], ids: [{ exists: false }] } },
    event: { employees: [{ firstName: 'John', ids: [1] }, { firstName: 'Anna' }] },
    match: true,
  },
  {
    name: 'array: exists true checked within the matching element',
    pattern: { employees: { firstName: ['Anna'], ids: [{ exists: true }] } },
    event: { employees: [{ firstName: 'John', ids: [1] }, { firstName: 'Anna' }] },
    match: false,
  },
  {
    name: 'array: exists false alone requires no element to have the field',
    pattern: { employees: { ids: [{ exists: false }] } },
    event: { employees: [{ firstName: 'John', ids: [1] }, { firstName: 'Anna' }] },
    match: false,
  },
  {
    name: 'array: scalar and object elements mixed',
    pattern: { d: [5] },
    event: { d: [{ a: 1 }, 5] },
    match: true,
  },

  // --- prefix
  { name: 'prefix: matches', pattern: { time: [{ prefix: '2017-12-22' }] }, event: ec2, match: true },
  { name: 'prefix: does not match', pattern: { time: [{ prefix: '2017-10-02' }] }, event: ec2, match: false },
  {
    name: "prefix: the guide's European regions example",
    pattern: { source: ['aws.ec2'], region: [{ prefix: 'eu-' }] },
    event: ec2,
    match: false,
  },
  {
    name: 'prefix: strings only',
    pattern: { detail: { n: [{ prefix: '1' }] } },
    event: detail({ n: 10 }),
    match: false,
  },
  { name: 'prefix: case-sensitive', pattern: { source: [{ prefix: 'AWS.' }] }, event: ec2, match: false },
  {
    name: 'prefix ignore case: matches',
    pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    event: detail({ service: 'eventbridge' }),
    match: true,
  },
  {
    name: 'prefix ignore case: does not match',
    pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    event: detail({ service: 'sqs' }),
    match: false,
  },

  // --- suffix
  {
    name: 'suffix: matches',
    pattern: { detail: { FileName: [{ suffix: '.png' }] } },
    event: detail({ FileName: 'cat.png' }),
    match: true,
  },
  {
    name: 'suffix: does not match',
    pattern: { detail: { FileName: [{ suffix: '.png' }] } },
    event: detail({ FileName: 'cat.PNG' }),
    match: false,
  },
  {
    name: 'suffix ignore case: matches',
    pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    event: detail({ FileName: 'cat.PNG' }),
    match: true,
  },
  {
    name: 'suffix ignore case: does not match',
    pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    event: detail({ FileName: 'cat.jpg' }),
    match: false,
  },

  // --- equals-ignore-case
  {
    name: 'equals-ignore-case: matches',
    pattern: { detail: { Name: [{ 'equals-ignore-case': 'alice' }] } },
    event: detail({ Name: 'Alice' }),
    match: true,
  },
  {
    name: 'equals-ignore-case: does not match a longer string',
    pattern: { detail: { Name: [{ 'equals-ignore-case': 'alice' }] } },
    event: detail({ Name: 'Alice B' }),
    match: false,
  },
  {
    name: 'equals-ignore-case: strings only',
    pattern: { detail: { b: [{ 'equals-ignore-case': 'true' }] } },
    event: detail({ b: true }),
    match: false,
  },

  // --- anything-but
  {
    name: 'anything-but: string, other value',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: detail({ state: 'running' }),
    match: true,
  },
  {
    name: 'anything-but: string, excluded value',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: detail({ state: 'initializing' }),
    match: false,
  },
  {
    name: 'anything-but: number, other value',
    pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    event: detail({ 'x-limit': 124 }),
    match: true,
  },
  {
    name: 'anything-but: number, excluded value',
    pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    event: detail({ 'x-limit': 123 }),
    match: false,
  },
  {
    name: 'anything-but: string list',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    event: detail({ state: 'running' }),
    match: true,
  },
  {
    name: 'anything-but: string list, excluded',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    event: detail({ state: 'overloaded' }),
    match: false,
  },
  {
    name: 'anything-but: number list',
    pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    event: detail({ 'x-limit': 301.8 }),
    match: true,
  },
  {
    name: 'anything-but: number list, excluded',
    pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    event: detail({ 'x-limit': 200 }),
    match: false,
  },
  {
    name: 'anything-but: a number list does not exclude its strings',
    pattern: { detail: { b: [{ 'anything-but': [111, 444] }] } },
    event: detail({ b: '444' }),
    match: true,
  },
  {
    name: 'anything-but: needs the field to exist',
    pattern: { detail: { state: [{ 'anything-but': 'x' }] } },
    event: detail({}),
    match: false,
  },
  {
    name: 'anything-but: event array, one element not excluded',
    pattern: { detail: { state: [{ 'anything-but': 'a' }] } },
    event: detail({ state: ['a', 'b'] }),
    match: true,
  },
  {
    name: 'anything-but: event array, all excluded',
    pattern: { detail: { state: [{ 'anything-but': ['a', 'b'] }] } },
    event: detail({ state: ['a', 'b'] }),
    match: false,
  },
  {
    name: 'anything-but: matches null (a value, not excluded)',
    pattern: { detail: { state: [{ 'anything-but': 'x' }] } },
    event: detail({ state: null }),
    match: true,
  },
  {
    name: 'anything-but prefix: other prefix',
    pattern: { source: [{ 'anything-but': { prefix: 'aws.' } }] },
    event: { ...ec2, source: 'oms' },
    match: true,
  },
  {
    name: 'anything-but prefix: excluded prefix',
    pattern: { source: [{ 'anything-but': { prefix: 'aws.' } }] },
    event: ec2,
    match: false,
  },
  {
    name: 'anything-but prefix: list',
    pattern: { region: [{ 'anything-but': { prefix: ['us-', 'eu-'] } }] },
    event: { ...ec2, region: 'ap-south-1' },
    match: true,
  },
  {
    name: 'anything-but prefix: list, excluded',
    pattern: { region: [{ 'anything-but': { prefix: ['us-', 'eu-'] } }] },
    event: ec2,
    match: false,
  },
  {
    name: 'anything-but suffix: other suffix',
    pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } },
    event: detail({ FileName: 'a.jpg' }),
    match: true,
  },
  {
    name: 'anything-but suffix: excluded suffix',
    pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } },
    event: detail({ FileName: 'a.png' }),
    match: false,
  },
  {
    name: 'anything-but equals-ignore-case: other value',
    pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } },
    event: detail({ state: 'running' }),
    match: true,
  },
  {
    name: 'anything-but equals-ignore-case: any casing excluded',
    pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } },
    event: detail({ state: 'INITIALIZING' }),
    match: false,
  },
  {
    name: 'anything-but equals-ignore-case: list',
    pattern: { detail: { p: [{ 'anything-but': { 'equals-ignore-case': ['CamelCase', 'AbC'] } }] } },
    event: detail({ p: 'abc' }),
    match: false,
  },
  {
    name: 'anything-but wildcard: other path',
    pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    event: detail({ FilePath: '/usr/bin/x' }),
    match: true,
  },
  {
    name: 'anything-but wildcard: excluded path',
    pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    event: detail({ FilePath: '/usr/lib/x' }),
    match: false,
  },
  {
    name: 'anything-but wildcard: list',
    pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: ['*/lib/*', '*.tmp'] } }] } },
    event: detail({ FilePath: 'a.tmp' }),
    match: false,
  },

  // --- numeric
  {
    name: "numeric: the guide's three-field example",
    pattern: {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    },
    event: detail({ 'c-count': 5, 'd-count': 3, 'x-limit': 301.8 }),
    match: true,
  },
  {
    name: 'numeric: open lower bound excludes it',
    pattern: { detail: { c: [{ numeric: ['>', 0, '<=', 5] }] } },
    event: detail({ c: 0 }),
    match: false,
  },
  {
    name: 'numeric: closed upper bound includes it',
    pattern: { detail: { c: [{ numeric: ['>', 0, '<=', 5] }] } },
    event: detail({ c: 5 }),
    match: true,
  },
  {
    name: 'numeric: above the range',
    pattern: { detail: { c: [{ numeric: ['>', 0, '<=', 5] }] } },
    event: detail({ c: 5.000001 }),
    match: false,
  },
  {
    name: 'numeric: >= includes the bound',
    pattern: { detail: { c: [{ numeric: ['>=', 10] }] } },
    event: detail({ c: 10 }),
    match: true,
  },
  {
    name: 'numeric: >= below',
    pattern: { detail: { c: [{ numeric: ['>=', 10] }] } },
    event: detail({ c: 9.99 }),
    match: false,
  },
  {
    name: 'numeric: < excludes the bound',
    pattern: { detail: { c: [{ numeric: ['<', 10] }] } },
    event: detail({ c: 10 }),
    match: false,
  },
  {
    name: 'numeric: <= includes the bound',
    pattern: { detail: { c: [{ numeric: ['<=', 10] }] } },
    event: detail({ c: 10 }),
    match: true,
  },
  {
    name: 'numeric: = compares values (3.018e2 is 301.8)',
    pattern: { detail: { c: [{ numeric: ['=', 3.018e2] }] } },
    event: detail({ c: 301.8 }),
    match: true,
  },
  {
    name: 'numeric: = other value',
    pattern: { detail: { c: [{ numeric: ['=', 300] }] } },
    event: detail({ c: 301 }),
    match: false,
  },
  {
    name: 'numeric: >= and < range',
    pattern: { detail: { c: [{ numeric: ['>=', -1.5, '<', 1e9] }] } },
    event: detail({ c: -1.5 }),
    match: true,
  },
  {
    name: 'numeric: JSON numbers only, not numeric strings',
    pattern: { detail: { c: [{ numeric: ['>', 0] }] } },
    event: detail({ c: '5' }),
    match: false,
  },
  {
    name: 'numeric: any element of an array',
    pattern: { detail: { c: [{ numeric: ['>', 10] }] } },
    event: detail({ c: [1, 2, 30] }),
    match: true,
  },
  {
    name: 'numeric: OR of two ranges',
    pattern: { detail: { c: [{ numeric: ['<', 0] }, { numeric: ['>', 100] }] } },
    event: detail({ c: 50 }),
    match: false,
  },

  // --- exists
  {
    name: 'exists true: field present',
    pattern: { detail: { state: [{ exists: true }] } },
    event: ec2,
    match: true,
  },
  {
    name: 'exists true: field absent',
    pattern: { detail: { state: [{ exists: true }] } },
    event: detail({ 'c-count': { c1: 100 } }),
    match: false,
  },
  {
    name: 'exists false: field absent',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: ec2,
    match: true,
  },
  {
    name: 'exists false: field present',
    pattern: { detail: { state: [{ exists: false }] } },
    event: ec2,
    match: false,
  },
  {
    name: 'exists false: an object is not a leaf, so the leaf does not exist',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: detail({ 'c-count': { c1: 100 } }),
    match: true,
  },
  {
    name: 'exists true: an object is not a leaf',
    pattern: { detail: { 'c-count': [{ exists: true }] } },
    event: detail({ 'c-count': { c1: 100 } }),
    match: false,
  },
  {
    name: 'exists true: null is a value',
    pattern: { detail: { r: [{ exists: true }] } },
    event: detail({ r: null }),
    match: true,
  },
  {
    name: 'exists false: null is a value',
    pattern: { detail: { r: [{ exists: false }] } },
    event: detail({ r: null }),
    match: false,
  },
  {
    name: 'exists true: empty string is a value',
    pattern: { detail: { r: [{ exists: true }] } },
    event: detail({ r: '' }),
    match: true,
  },
  {
    name: 'exists true: an empty array has no value',
    pattern: { detail: { r: [{ exists: true }] } },
    event: detail({ r: [] }),
    match: false,
  },
  {
    name: 'exists false: an empty array has no value',
    pattern: { detail: { r: [{ exists: false }] } },
    event: detail({ r: [] }),
    match: true,
  },
  {
    name: 'exists true: a non-empty array',
    pattern: { detail: { r: [{ exists: true }] } },
    event: detail({ r: [0] }),
    match: true,
  },
  {
    name: 'exists false: missing parent object',
    pattern: { detail: { deep: { x: [{ exists: false }] } } },
    event: ec2,
    match: true,
  },
  {
    name: 'exists false: parent is a scalar',
    pattern: { detail: { state: { x: [{ exists: false }] } } },
    event: ec2,
    match: true,
  },
  {
    name: 'exists: OR with a value',
    pattern: { detail: { r: [{ exists: false }, 'x'] } },
    event: detail({ r: 'x' }),
    match: true,
  },

  // --- wildcard
  {
    name: 'wildcard: star in the middle',
    pattern: { source: [{ wildcard: 'Simple*Service' }] },
    event: { ...ec2, source: 'SimpleQueueService' },
    match: true,
  },
  {
    name: 'wildcard: star matches the empty string',
    pattern: { source: [{ wildcard: 'Simple*Service' }] },
    event: { ...ec2, source: 'SimpleService' },
    match: true,
  },
  {
    name: 'wildcard: no match',
    pattern: { source: [{ wildcard: 'Simple*Service' }] },
    event: { ...ec2, source: 'SimpleQueue' },
    match: false,
  },
  {
    name: 'wildcard: several stars',
    pattern: { detail: { p: [{ wildcard: 'arn:*:ec2:*:instance/*' }] } },
    event: detail({ p: 'arn:aws:ec2:us-east-1:instance/i-1' }),
    match: true,
  },
  {
    name: 'wildcard: leading star',
    pattern: { detail: { a: [{ wildcard: '*bc' }] } },
    event: detail({ a: 'abcbc' }),
    match: true,
  },
  {
    name: 'wildcard: trailing star needs the prefix',
    pattern: { detail: { c: [{ wildcard: 'xy*' }] } },
    event: detail({ c: 'deeeef' }),
    match: false,
  },
  {
    name: 'wildcard: no star is an exact match',
    pattern: { detail: { c: [{ wildcard: 'xy' }] } },
    event: detail({ c: 'xyz' }),
    match: false,
  },
  {
    name: 'wildcard: escaped star is literal',
    pattern: { detail: { c: [{ wildcard: 'a\\*b' }] } },
    event: detail({ c: 'a*b' }),
    match: true,
  },
  {
    name: 'wildcard: escaped star is not a wildcard',
    pattern: { detail: { c: [{ wildcard: 'a\\*b' }] } },
    event: detail({ c: 'axxb' }),
    match: false,
  },
  {
    name: 'wildcard: escaped backslash',
    pattern: { detail: { c: [{ wildcard: 'a\\\\*' }] } },
    event: detail({ c: 'a\\bc' }),
    match: true,
  },
  {
    name: 'wildcard: segments must not overlap',
    pattern: { detail: { c: [{ wildcard: 'ab*ba' }] } },
    event: detail({ c: 'aba' }),
    match: false,
  },
  {
    name: 'wildcard: strings only',
    pattern: { detail: { c: [{ wildcard: '1*' }] } },
    event: detail({ c: 10 }),
    match: false,
  },

  // --- cidr
  {
    name: 'cidr: IPv4 inside',
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    event: detail({ sourceIPAddress: '10.0.0.255' }),
    match: true,
  },
  {
    name: 'cidr: IPv4 outside',
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    event: detail({ sourceIPAddress: '10.0.1.0' }),
    match: false,
  },
  {
    name: 'cidr: host bits in the rule are ignored',
    pattern: { detail: { ip: [{ cidr: '54.240.196.171/24' }] } },
    event: detail({ ip: '54.240.196.3' }),
    match: true,
  },
  {
    name: 'cidr: /32 is one address',
    pattern: { detail: { ip: [{ cidr: '10.0.0.33/32' }] } },
    event: detail({ ip: '10.0.0.34' }),
    match: false,
  },
  {
    name: 'cidr: IPv6 inside',
    pattern: { detail: { ip: [{ cidr: '2001:db8::/32' }] } },
    event: detail({ ip: '2001:db8:ffff::1' }),
    match: true,
  },
  {
    name: 'cidr: IPv6 outside',
    pattern: { detail: { ip: [{ cidr: '2001:db8::/32' }] } },
    event: detail({ ip: '2001:db9::1' }),
    match: false,
  },
  {
    name: 'cidr: not an IP address',
    pattern: { detail: { ip: [{ cidr: '10.0.0.0/8' }] } },
    event: detail({ ip: 'ten' }),
    match: false,
  },

  // --- $or
  {
    name: '$or: second alternative',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    },
    event: { source: 'aws.cloudwatch', namespace: 'AWS/ES' },
    match: true,
  },
  {
    name: '$or: no alternative',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
    },
    event: { source: 'aws.cloudwatch', namespace: 'AWS/S3' },
    match: false,
  },
  {
    name: '$or: still ANDed with siblings',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
    },
    event: { source: 'aws.ec2', namespace: 'AWS/EC2' },
    match: false,
  },
  {
    name: '$or: an alternative with an AND inside',
    pattern: { $or: [{ metricName: ['x'] }, { metricType: ['MetricType'], namespace: ['AWS/EC2'] }] },
    event: { metricType: 'MetricType', namespace: 'AWS/EC2' },
    match: true,
  },
  {
    name: '$or: the AND inside must fully hold',
    pattern: { $or: [{ metricName: ['x'] }, { metricType: ['MetricType'], namespace: ['AWS/EC2'] }] },
    event: { metricType: 'MetricType', namespace: 'AWS/ES' },
    match: false,
  },
  {
    name: '$or: nested in a detail object',
    pattern: {
      detail: {
        $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }],
      },
    },
    event: detail({ 'c-count': 50, 'd-count': 3 }),
    match: true,
  },
  {
    name: '$or: nested $or',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['x'] },
        { namespace: ['AWS/EC2'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
      ],
    },
    event: { source: 'aws.cloudwatch', namespace: 'AWS/EC2', spaceId: 1000 },
    match: true,
  },
  {
    name: '$or: parallel $or at two levels',
    pattern: { $or: [{ a: [1] }, { b: [1] }], detail: { $or: [{ c: [1] }, { d: [1] }] } },
    event: { b: 1, detail: { c: 2, d: 2 } },
    match: false,
  },
  {
    name: '$or: inside an array element',
    pattern: { items: { sku: ['A'], $or: [{ qty: [1] }, { price: [9] }] } },
    event: {
      items: [
        { sku: 'A', qty: 2 },
        { sku: 'B', price: 9 },
      ],
    },
    match: false,
  },

  // --- the OMS rule itself
  {
    name: 'oms rule: order event',
    pattern: {
      source: ['oms'],
      'detail-type': [{ prefix: 'order.' }, { prefix: 'position.' }, { prefix: 'risk.' }],
    },
    event: { source: 'oms', 'detail-type': 'order.filled', detail: {} },
    match: true,
  },
  {
    name: 'oms rule: other source',
    pattern: { source: ['oms'], 'detail-type': [{ prefix: 'order.' }] },
    event: { source: 'other', 'detail-type': 'order.filled', detail: {} },
    match: false,
  },

  // --- odd keys
  {
    name: 'keys: Object.prototype names are not event fields',
    pattern: { constructor: [{ exists: true }] },
    event: {},
    match: false,
  },
];

describe('event pattern conformance', () => {
  test.each(cases)('$name', ({ pattern, event, match }) => {
    expect(matchesPattern(pattern, event)).toBe(match);
    // The same verdict from a compiled pattern and from the pattern's JSON text.
    expect(compilePattern(JSON.stringify(pattern)).matches(JSON.parse(JSON.stringify(event)))).toBe(match);
  });

  test('a duplicate key in JSON text: the last one is used', () => {
    const compiled = compilePattern(
      '{"detail":{"location":[{"prefix":"us-"}],"location":[{"anything-but":"us-east"}]}}',
    );
    expect(compiled.matches({ detail: { location: 'eu-west' } })).toBe(true);
    expect(compiled.matches({ detail: { location: 'us-east' } })).toBe(false);
  });

  test('a non-object event matches nothing', () => {
    expect(matchesPattern({ a: [{ exists: false }] }, null)).toBe(false);
    expect(matchesPattern({ a: [{ exists: false }] }, [])).toBe(false);
  });
});

interface Invalid {
  name: string;
  pattern: unknown;
  message: RegExp;
}

const invalid: Invalid[] = [
  { name: 'not JSON', pattern: '{"source": [', message: /not valid JSON/ },
  { name: 'not an object', pattern: ['aws.ec2'], message: /must be a JSON object/ },
  { name: 'empty pattern', pattern: {}, message: /Empty objects/ },
  { name: 'empty nested object', pattern: { detail: {} }, message: /Empty objects/ },
  { name: 'bare string value', pattern: { source: 'aws.ec2' }, message: /must be an object or an array/ },
  { name: 'bare number value', pattern: { detail: { n: 5 } }, message: /must be an object or an array/ },
  { name: 'null value', pattern: { source: null }, message: /must be an object or an array/ },
  { name: 'empty array', pattern: { source: [] }, message: /Empty arrays/ },
  { name: 'array in a value array', pattern: { source: [['a']] }, message: /Match value must be/ },
  {
    name: 'unknown operator',
    pattern: { source: [{ contains: 'ec2' }] },
    message: /Unrecognized match type contains/,
  },
  {
    name: 'two operators in one object',
    pattern: { source: [{ prefix: 'a', suffix: 'b' }] },
    message: /Only one key/,
  },
  { name: 'empty operator object', pattern: { source: [{}] }, message: /Empty match expression/ },
  { name: 'prefix not a string', pattern: { source: [{ prefix: 5 }] }, message: /prefix match pattern/ },
  {
    name: 'prefix with an unknown inner op',
    pattern: { source: [{ prefix: { wildcard: 'a' } }] },
    message: /Unsupported prefix pattern/,
  },
  {
    name: 'suffix ignore case not a string',
    pattern: { source: [{ suffix: { 'equals-ignore-case': 1 } }] },
    message: /must be a string/,
  },
  {
    name: 'equals-ignore-case not a string',
    pattern: { source: [{ 'equals-ignore-case': 1 }] },
    message: /must be a string/,
  },
  { name: 'exists not a boolean', pattern: { source: [{ exists: 'true' }] }, message: /true or false/ },
  {
    name: 'anything-but mixed list',
    pattern: { source: [{ 'anything-but': ['a', 1] }] },
    message: /all strings or all numbers/,
  },
  {
    name: 'anything-but empty list',
    pattern: { source: [{ 'anything-but': [] }] },
    message: /all strings or all numbers/,
  },
  {
    name: 'anything-but null',
    pattern: { source: [{ 'anything-but': null }] },
    message: /Value of anything-but/,
  },
  {
    name: 'anything-but boolean',
    pattern: { source: [{ 'anything-but': true }] },
    message: /Value of anything-but/,
  },
  {
    name: 'anything-but unknown nested op',
    pattern: { source: [{ 'anything-but': { numeric: ['>', 1] } }] },
    message: /Unsupported anything-but pattern/,
  },
  {
    name: 'anything-but empty prefix',
    pattern: { source: [{ 'anything-but': { prefix: '' } }] },
    message: /Empty prefix/,
  },
  {
    name: 'anything-but prefix number',
    pattern: { source: [{ 'anything-but': { prefix: 1 } }] },
    message: /must be a string/,
  },
  {
    name: 'anything-but bad wildcard',
    pattern: { source: [{ 'anything-but': { wildcard: 'a**' } }] },
    message: /Consecutive wildcard/,
  },
  { name: 'numeric not an array', pattern: { n: [{ numeric: 5 }] }, message: /must be an array/ },
  {
    name: 'numeric unknown operator',
    pattern: { n: [{ numeric: ['!=', 5] }] },
    message: /Unrecognized numeric range operator/,
  },
  {
    name: 'numeric value not a number',
    pattern: { n: [{ numeric: ['>', '5'] }] },
    message: /must be numeric/,
  },
  {
    name: 'numeric = with extra terms',
    pattern: { n: [{ numeric: ['=', 5, '<', 6] }] },
    message: /Too many elements/,
  },
  {
    name: 'numeric upper bound first',
    pattern: { n: [{ numeric: ['<', 10, '>', 0] }] },
    message: /Too many elements/,
  },
  {
    name: 'numeric bad upper operator',
    pattern: { n: [{ numeric: ['>', 0, '>', 10] }] },
    message: /Bad numeric range operator/,
  },
  {
    name: 'numeric empty range',
    pattern: { n: [{ numeric: ['>', 10, '<', 10] }] },
    message: /Bottom must be less than top/,
  },
  {
    name: 'numeric too many terms',
    pattern: { n: [{ numeric: ['>', 0, '<', 10, '<', 20] }] },
    message: /Too many terms/,
  },
  { name: 'cidr not a string', pattern: { ip: [{ cidr: 10 }] }, message: /must be a string/ },
  { name: 'cidr without mask', pattern: { ip: [{ cidr: '10.0.0.0' }] }, message: /one '\/' required/ },
  { name: 'cidr mask too long', pattern: { ip: [{ cidr: '192.168.0.1/33' }] }, message: /mask bits/ },
  { name: 'cidr bad address', pattern: { ip: [{ cidr: '10.10.10.10.10/3' }] }, message: /bad IP address/ },
  {
    name: 'cidr IPv6 mask too long',
    pattern: { ip: [{ cidr: '2400:6500:FF00::36FB:1F80/222' }] },
    message: /mask bits/,
  },
  {
    name: 'wildcard consecutive stars',
    pattern: { s: [{ wildcard: 'a**b' }] },
    message: /Consecutive wildcard/,
  },
  { name: 'wildcard bad escape', pattern: { s: [{ wildcard: 'a\\b' }] }, message: /Invalid escape/ },
  { name: 'wildcard trailing backslash', pattern: { s: [{ wildcard: 'a\\' }] }, message: /Invalid escape/ },
  { name: '$or not an array', pattern: { $or: { a: ['x'] } }, message: /\$or must be an array/ },
  { name: '$or with one object', pattern: { $or: [{ a: ['x'] }] }, message: /at least 2/ },
  { name: '$or with a non-object', pattern: { $or: [{ a: ['x'] }, 'b'] }, message: /only contain objects/ },
  {
    name: '$or with an operator as field name',
    pattern: { $or: [{ numeric: [1] }, { prefix: ['abc'] }] },
    message: /reserved word/,
  },
  {
    name: 'invalid leaf deep inside $or',
    pattern: { $or: [{ a: ['x'] }, { b: { c: [] } }] },
    message: /Empty arrays/,
  },
];

describe('validatePattern refuses what PutRule refuses', () => {
  test.each(invalid)('$name', ({ pattern, message }) => {
    let caught: unknown;
    try {
      validatePattern(pattern);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InvalidEventPatternError);
    const err = caught as InvalidEventPatternError;
    expect(err.code).toBe('EVENT_PATTERN_INVALID');
    expect(err.name).toBe('InvalidEventPatternError');
    expect(err.message).toMatch(message);
  });

  test('errors name the place in the pattern', () => {
    expect(() => validatePattern({ detail: { state: ['ok', { prefix: 1 }] } })).toThrow(
      /detail\.state\[1\]\.prefix/,
    );
  });

  test('matchesPattern throws on an invalid pattern rather than guessing', () => {
    expect(() => matchesPattern({ source: 'x' }, { source: 'x' })).toThrow(InvalidEventPatternError);
  });

  test('every pattern in the table is valid', () => {
    for (const c of cases) expect(() => validatePattern(c.pattern)).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const reserved = new Set([
  'constructor',
  'prefix',
  'suffix',
  'equals-ignore-case',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
  'wildcard',
]);
const key = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/).filter((k) => !reserved.has(k));
const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const flatEvent = fc.dictionary(key, scalar, { minKeys: 1, maxKeys: 6 });
const nestedEvent = fc.dictionary(
  key,
  fc.oneof(scalar, flatEvent, fc.array(scalar, { minLength: 1, maxLength: 4 })),
  { minKeys: 1, maxKeys: 5 },
);

/** A pattern made of the event's own values, leaf for leaf. */
function selfPattern(value: Record<string, unknown>): EventPattern {
  const out: EventPattern = {};
  for (const [k, v] of Object.entries(value)) {
    if (Array.isArray(v)) out[k] = v;
    else if (typeof v === 'object' && v !== null) out[k] = selfPattern(v as Record<string, unknown>);
    else out[k] = [v];
  }
  return out;
}

describe('matcher properties', () => {
  test("a pattern of an event's own exact values always matches it", () => {
    fc.assert(fc.property(nestedEvent, (event) => matchesPattern(selfPattern(event), event)));
  });

  test('anything-but X never matches X, and matches any other string', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (x, y) => {
        const p = { v: [{ 'anything-but': x }] };
        expect(matchesPattern(p, { v: x })).toBe(false);
        expect(matchesPattern(p, { v: y })).toBe(x !== y);
      }),
    );
  });

  test('anything-but is the complement of exact for existing scalar values', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer()), scalar, (x, v) => {
        const exact = matchesPattern({ v: [x] }, { v });
        const but = matchesPattern({ v: [{ 'anything-but': x }] }, { v });
        expect(but).toBe(!exact);
      }),
    );
  });

  test('exists true and exists false are complements', () => {
    fc.assert(
      fc.property(nestedEvent, key, (event, k) => {
        const yes = matchesPattern({ [k]: [{ exists: true }] }, event);
        const no = matchesPattern({ [k]: [{ exists: false }] }, event);
        expect(yes).toBe(!no);
      }),
    );
  });

  test('numeric ranges agree with plain comparisons', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: 1, max: 1000 }),
        (x, lo, width) => {
          const hi = lo + width;
          expect(matchesPattern({ n: [{ numeric: ['>=', lo, '<', hi] }] }, { n: x })).toBe(x >= lo && x < hi);
          expect(matchesPattern({ n: [{ numeric: ['>', lo, '<=', hi] }] }, { n: x })).toBe(x > lo && x <= hi);
        },
      ),
    );
  });

  test('prefix and suffix agree with startsWith and endsWith; a wildcard around a value contains it', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), (s, part) => {
        expect(matchesPattern({ s: [{ prefix: part }] }, { s })).toBe(s.startsWith(part));
        expect(matchesPattern({ s: [{ suffix: part }] }, { s })).toBe(s.endsWith(part));
        const escaped = part.replace(/[\\*]/g, (c) => `\\${c}`);
        const wildcard = part === '' ? '*' : `*${escaped}*`;
        expect(matchesPattern({ s: [{ wildcard }] }, { s })).toBe(s.includes(part));
      }),
    );
  });

  test('$or of two patterns matches exactly when either does', () => {
    fc.assert(
      fc.property(flatEvent, flatEvent, (a, b) => {
        const pa = selfPattern(a);
        const pb = selfPattern(b);
        const event = { ...b, ...a };
        const either = matchesPattern(pa, event) || matchesPattern(pb, event);
        expect(matchesPattern({ $or: [pa, pb] }, event)).toBe(either);
      }),
    );
  });
});
