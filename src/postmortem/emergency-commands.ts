import { parseCommands, type CommandKind } from "../governance/approvals/commands.js";

/**
 * The command a comment ends on (the latest line wins), or null: SPEC §4's grammar, parsed by the
 * approvals engine's parser so the postmortem reads history exactly as the check read it. Whether
 * a command was accepted is the app's own verdict, recorded on GitHub as its 👍 reaction.
 */
export const lastEmergencyCommand = (body: string): CommandKind | null => parseCommands(body).at(-1)?.kind ?? null;
