import { pino } from 'pino';
import { createLogger, type Logger } from '../platform/logger.ts';

/**
 * A logger for an operator command: to stderr, so stdout carries only the command's
 * result (`--json` output stays parseable with warnings on).
 */
export function cliLogger(level: string, role: string): Logger {
  return createLogger({ level, role }, pino.destination(2));
}
