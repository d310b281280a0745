import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthModule, AuthService, isRole, ROLES } from '@rtpm/auth';
import { type AppConfig, ConfigModule } from '@rtpm/config';
import { DatabaseModule } from '@rtpm/database';
import { parseArgs } from 'node:util';

// `user:create --username <u> --role <r>`; the password comes from --password, RTPM_USER_PASSWORD or stdin
// (so that it need not appear in the shell history or the process list; a terminal gets a prompt without echo).
export async function createUserCommand(config: AppConfig, argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { username: { type: 'string' }, role: { type: 'string' }, password: { type: 'string' } },
  });
  if (!values.username) throw new Error('--username is required');
  if (!isRole(values.role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
  const password = values.password ?? process.env.RTPM_USER_PASSWORD ?? (await readPassword());
  if (password.length < 12) throw new Error('the password must be at least 12 characters');

  @Module({ imports: [ConfigModule.forRoot(config), DatabaseModule, AuthModule] })
  class UserCliModule {}
  const app = await NestFactory.createApplicationContext(UserCliModule, { logger: ['error', 'warn'] });
  try {
    const user = await app.get(AuthService).createUser(values.username, password, values.role);
    console.log(`Created ${user.role} user "${user.username}" (${user.id}).`);
  } finally {
    await app.close();
  }
}

// A terminal gets a prompt and no echo; a pipe is read to its end (`echo "$PASSWORD" | npm run user:create ...`).
async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readStdin();
  process.stderr.write('Password (at least 12 characters, not shown): ');
  process.stdin.setRawMode(true);
  let password = '';
  try {
    for await (const chunk of process.stdin) {
      for (const char of (chunk as Buffer).toString('utf8')) {
        if (char === '\r' || char === '\n') return password;
        if (char === '\u0003') throw new Error('cancelled');
        password = char === '\u007f' || char === '\b' ? password.slice(0, -1) : password + char;
      }
    }
    return password;
  } finally {
    process.stdin.setRawMode(false);
    process.stdin.pause();
    process.stderr.write('\n');
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
