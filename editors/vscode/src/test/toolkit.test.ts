import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ignoredGroups, shouldSuggest, withIgnore } from '../toolkit';

test('ASL rules are left to the Toolkit only when the setting is on and the Toolkit installed', () => {
  assert.deepEqual(ignoredGroups(true, true), ['asl']);
  assert.deepEqual(ignoredGroups(true, false), []);
  assert.deepEqual(ignoredGroups(false, true), []);
});

test('the setting is suggested once, when the Toolkit is there and the user chose nothing', () => {
  assert.equal(shouldSuggest(true, false, false), true);
  assert.equal(shouldSuggest(false, false, false), false);
  assert.equal(shouldSuggest(true, true, false), false);
  assert.equal(shouldSuggest(true, false, true), false);
});

test('the configuration the server pulls carries the ignored groups', () => {
  assert.deepEqual(withIgnore({ rules: { x: 'off' } }, ['asl']), { rules: { x: 'off' }, ignore: ['asl'] });
  assert.deepEqual(withIgnore({}, []), { ignore: [] });
  assert.equal(withIgnore(null, ['asl']), null);
});
