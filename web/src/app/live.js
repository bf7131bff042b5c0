// LiveQuery subscriptions that call back on every change of a class.
import { useEffect } from 'preact/hooks';
import Parse from '../shared/parse.js';

/** Subscribe to `className` while mounted; `onEvent(kind, object)` for create/update/enter/leave/delete. */
export function useLive(className, onEvent) {
  useEffect(() => {
    let subscription = null;
    let closed = false;
    new Parse.Query(className).subscribe().then((s) => {
      if (closed) { s.unsubscribe(); return; }
      subscription = s;
      for (const kind of ['create', 'update', 'enter', 'leave', 'delete']) s.on(kind, (obj) => onEvent(kind, obj));
    }).catch(() => {});
    return () => { closed = true; if (subscription) subscription.unsubscribe(); };
  }, [className]);
}
