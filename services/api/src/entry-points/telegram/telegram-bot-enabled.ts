import type { Config } from '@trading/platform';

/**
 * Whether the API answers Telegram commands: a bot token and a chat, and TELEGRAM_COMMANDS on. Apart
 * from the bot so the API imports the bot library (grammy) only when it runs one.
 */
export function telegramBotEnabled(config: Config): boolean {
  return Boolean(
    config.telegramBotToken?.getSecretValue() && config.telegramChatId && config.telegramCommands,
  );
}
