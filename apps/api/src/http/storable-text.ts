import { isStorableText, STORABLE_TEXT_MESSAGE } from '@rtpm/promql';
import { ValidateBy } from 'class-validator';

// A string field whose value reaches PostgreSQL: @rtpm/promql's isStorableText. Other types pass, for the
// @IsString above it to name them.
export function IsStorableText(): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStorableText',
      validator: { validate: (value: unknown) => typeof value !== 'string' || isStorableText(value) },
    },
    { message: STORABLE_TEXT_MESSAGE },
  );
}
