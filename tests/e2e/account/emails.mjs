// Account emails through the real Parse JS SDK (run by tests/account/test_sdk_emails.py against a
// server that mails through a loopback SMTP server). PHASE=request asks for the mails; PHASE=login
// checks the result of following their links (new password, verified email).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Parse } from '../lib/parse.mjs';

const { PHASE, USERNAME, EMAIL } = process.env;

if (PHASE === 'request') {
  test('sign-up, requestEmailVerification and requestPasswordReset through the SDK', async () => {
    const user = new Parse.User();
    user.set({ username: USERNAME, password: 'first-pass1', email: EMAIL });
    await user.signUp();
    assert.equal(user.get('emailVerified'), undefined);
    await Parse.User.requestEmailVerification(EMAIL);
    await Parse.User.requestPasswordReset(EMAIL);
    await Parse.User.requestPasswordReset(`nobody-${EMAIL}`); // no account enumeration
    await Parse.User.requestEmailVerification(`nobody-${EMAIL}`); // emailVerifySuccessOnInvalidEmail
    await assert.rejects(Parse.User.requestPasswordReset(''), (e) => e.code === 204);
  });
} else {
  test('the new password logs in and the email is verified', async () => {
    await assert.rejects(Parse.User.logIn(USERNAME, 'first-pass1'), (e) => e.code === 101);
    const user = await Parse.User.logIn(USERNAME, 'second-pass2');
    assert.equal(user.get('emailVerified'), true);
    await Parse.User.requestEmailVerification(EMAIL); // verified: success too, and no mail
    await Parse.User.logOut();
  });
}
