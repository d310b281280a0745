import 'reflect-metadata';
import { loadConfigOrExit } from '@rtpm/config';
import { revertLastMigration, runMigrations } from '@rtpm/database';
import { createUserCommand } from './user-create.js';

// Operator commands that run to completion: `migrate` (creates the database if needed, applies pending
// migrations) and `migrate:revert` (undoes the newest one).
const commands: Record<string, () => Promise<void>> = {
  async migrate() {
    const applied = await runMigrations(loadConfigOrExit());
    console.log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Database schema is up to date.');
  },
  async 'migrate:revert'() {
    await revertLastMigration(loadConfigOrExit());
    console.log('Reverted the newest migration.');
  },
  async 'user:create'() {
    await createUserCommand(loadConfigOrExit(), process.argv.slice(3));
  },
};

const [name] = process.argv.slice(2);
const command = name ? commands[name] : undefined;
if (!command) {
  console.error(`Usage: rtpm <${Object.keys(commands).join('|')}>`);
  process.exit(2);
}
try {
  await command();
} catch (error) {
  console.error(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
