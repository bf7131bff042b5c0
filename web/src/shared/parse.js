// The Parse JS SDK pointed at the server that served this page.
import Parse from 'parse/dist/parse.min.js';

const config = window.PARSE_CONFIG || { appId: 'myAppId', mountPath: '/parse', graphQLPath: '/graphql', playgroundPath: '/playground' };
export const mount = config.mountPath === '/' ? '' : config.mountPath;
export const serverURL = `${location.origin}${mount}`;

Parse.initialize(config.appId, config.javascriptKey || undefined);
Parse.serverURL = serverURL;
Parse.liveQueryServerURL = serverURL.replace(/^http/, 'ws');

export { config };
export default Parse;

/** A backend refusal in words: "Error 119: Only the assigned technician ...". */
export function describeError(error) {
  if (error && typeof error.code === 'number') return `Error ${error.code}: ${error.message}`;
  return String(error && error.message ? error.message : error);
}
