/** Sent in the User-Agent. A test keeps it equal to package.json's version. */
export const ACTION_NAME = 'sms-cleanup'
export const ACTION_VERSION = '0.1.0'
export const USER_AGENT = `${ACTION_NAME}/${ACTION_VERSION}`
