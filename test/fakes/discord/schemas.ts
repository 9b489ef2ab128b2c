import { z } from 'zod';

/** What the fake reads from the bot: gateway frames and REST bodies, checked rather than trusted. */

export const gatewayFrameSchema = z.object({ op: z.number().int(), d: z.unknown() });

export const identifySchema = z.object({
  token: z.string(),
  intents: z.number().int(),
  shard: z.tuple([z.number().int(), z.number().int()]).optional(),
});

export const resumeSchema = z.object({
  token: z.string(),
  session_id: z.string(),
  seq: z.number().int().nullable(),
});

const choiceSchema = z.object({ name: z.string(), value: z.union([z.string(), z.number()]) });

export const commandOptionSchema = z.looseObject({
  type: z.number().int(),
  name: z.string(),
  description: z.string(),
  required: z.boolean().optional(),
  autocomplete: z.boolean().optional(),
  min_value: z.number().optional(),
  max_value: z.number().optional(),
  min_length: z.number().optional(),
  max_length: z.number().optional(),
  choices: z.array(choiceSchema).optional(),
});

/** Where a command may be installed (0 server, 1 user) and used (0 server, 1 bot DM, 2 private channel). */
const places = {
  integration_types: z
    .array(z.union([z.literal(0), z.literal(1)]))
    .min(1)
    .optional(),
  contexts: z
    .array(z.union([z.literal(0), z.literal(1), z.literal(2)]))
    .min(1)
    .optional(),
};

const slashCommandSchema = z.looseObject({
  type: z.literal(1).optional(),
  name: z.string().regex(/^[-_\p{L}\p{N}]{1,32}$/u),
  description: z.string().min(1).max(100),
  options: z.array(commandOptionSchema).max(25).optional(),
  ...places,
});

/** User (2) and message (3) context-menu commands: names may have spaces; no description, no options. */
const menuCommandSchema = z.looseObject({
  type: z.union([z.literal(2), z.literal(3)]),
  name: z.string().min(1).max(32),
  description: z.string().max(0).optional(),
  options: z.undefined().optional(),
  ...places,
});

export const commandSchema = z.union([slashCommandSchema, menuCommandSchema]);

export const commandListSchema = z.array(commandSchema).max(100);

export type CommandOptionJson = z.infer<typeof commandOptionSchema>;
/** A command as the fake stores it: a slash command or a context-menu command, with Discord's extra fields. */
export type CommandJson = {
  [key: string]: unknown;
  type?: number;
  name: string;
  description?: string;
  options?: CommandOptionJson[];
};

export const embedSchema = z.looseObject({
  title: z.string().max(256).optional(),
  description: z.string().max(4096).optional(),
  color: z.number().int().optional(),
  fields: z
    .array(
      z.object({
        name: z.string().min(1).max(256),
        value: z.string().min(1).max(1024),
        inline: z.boolean().optional(),
      }),
    )
    .max(25)
    .optional(),
});

export const buttonSchema = z.looseObject({
  type: z.literal(2),
  style: z.number().int(),
  label: z.string().max(80).optional(),
  custom_id: z.string().max(100).optional(),
});

export const actionRowSchema = z.object({ type: z.literal(1), components: z.array(buttonSchema).max(5) });

/** A message body (create, edit, interaction answer). */
export const messageBodySchema = z.looseObject({
  content: z.string().max(2000).optional(),
  embeds: z.array(embedSchema).max(10).optional(),
  components: z.array(actionRowSchema).max(5).optional(),
  flags: z.number().int().optional(),
  allowed_mentions: z
    .object({
      parse: z.array(z.string()).optional(),
      users: z.array(z.string()).optional(),
      roles: z.array(z.string()).optional(),
      replied_user: z.boolean().optional(),
    })
    .optional(),
  attachments: z.array(z.looseObject({ id: z.union([z.string(), z.number()]) })).optional(),
});

export type MessageBody = z.infer<typeof messageBodySchema>;

/** POST /interactions/{id}/{token}/callback. */
export const callbackSchema = z.object({
  type: z.number().int(),
  data: z.unknown().optional(),
});

export const autocompleteDataSchema = z.object({
  choices: z
    .array(z.object({ name: z.string().min(1).max(100), value: z.union([z.string(), z.number()]) }))
    .max(25),
});

export const openDmSchema = z.object({ recipient_id: z.string() });

/** A text input in a modal (type 4): `label` only in the older action-row form. */
export const textInputSchema = z.looseObject({
  type: z.literal(4),
  custom_id: z.string().min(1).max(100),
  style: z.union([z.literal(1), z.literal(2)]),
  label: z.string().min(1).max(45).optional(),
  min_length: z.number().int().min(0).max(4000).optional(),
  max_length: z.number().int().min(1).max(4000).optional(),
  required: z.boolean().optional(),
  value: z.string().max(4000).optional(),
  placeholder: z.string().max(100).optional(),
});

export type TextInputJson = z.infer<typeof textInputSchema>;

/** A modal's top-level component: a label around a text input (18), or an action row holding one (1). */
export const modalComponentSchema = z.union([
  z.looseObject({
    type: z.literal(18),
    label: z.string().min(1).max(45),
    description: z.string().max(100).optional(),
    component: textInputSchema,
  }),
  z.looseObject({
    type: z.literal(1),
    components: z.array(textInputSchema.extend({ label: z.string().min(1).max(45) })).length(1),
  }),
]);

/** The data of a MODAL callback (type 9). */
export const modalSchema = z.looseObject({
  custom_id: z.string().min(1).max(100),
  title: z.string().min(1).max(45),
  components: z.array(modalComponentSchema).min(1).max(5),
});

export type ModalJson = z.infer<typeof modalSchema>;
