import { AppConfig, ConfigError, loadConfig } from './app-config.js';

// For entry points: a bad variable stops the process with one line that names it.
export function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
