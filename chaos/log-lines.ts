/**
 * Which of the platform's lines a chaos run prints: records at error or fatal (pino writes levels as
 * numbers, 50 and 60, so a fatal record need not say "error" or "fatal" anywhere, as the watchdog's
 * "consumer stuck" line does not), and any other line naming an error or a restart (the supervisor's
 * own lines, a stack trace). Warnings and the rest stay out: the run prints what went wrong.
 */
export function worthShowing(line: string): boolean {
  return /"level":(50|60)\b/.test(line) || /error|fatal|restarting/i.test(line);
}
