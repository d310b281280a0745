import { BadRequestException } from '@nestjs/common';
import type { ValidationError } from 'class-validator';

// What is wrong with one field of a request ('' for the body as a whole).
export interface FieldProblem {
  field: string;
  message: string;
}

// A 400 in the REST error envelope (ErrorResponseDto): a summary and the problem of each field.
export function badRequest(message: string, details: readonly FieldProblem[]): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message, details });
}

// One class-validator error as a field problem. class-validator runs decorators bottom-up, so the last message is
// the one the first failing rule wrote; forbidNonWhitelisted speaks of "property x should not exist", said here
// the way the other messages say it.
export function fieldProblem(error: ValidationError): FieldProblem {
  const message = Object.values(error.constraints ?? { invalid: 'is invalid' }).at(-1)!;
  return { field: error.property, message: message.endsWith('should not exist') ? 'is not a known field' : message };
}
