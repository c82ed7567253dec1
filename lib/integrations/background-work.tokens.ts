/** Injection tokens between the Teracron module and the background-work explorer. */

/** The module's `schedule` / `events` options, resolved (ResolvedBackgroundWork). */
export const TERACRON_BACKGROUND_WORK = Symbol('TERACRON_BACKGROUND_WORK');

/** The app's TraceSink (its TeracronClient), optional: without it spans go to the newest running client. */
export const TERACRON_BACKGROUND_SINK = Symbol('TERACRON_BACKGROUND_SINK');
