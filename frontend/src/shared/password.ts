/**
 * Client-side preview of the password rules, so the user sees what is missing while typing.
 * The server is the judge (it also rejects common passwords, which only it knows).
 */
export interface PasswordCheck {
  length: boolean
  classes: boolean
  notUsername: boolean
}

export function passwordClasses(pw: string): number {
  let n = 0
  if (/[A-Z]/.test(pw)) n++
  if (/[a-z]/.test(pw)) n++
  if (/\d/.test(pw)) n++
  if (/[^A-Za-z0-9]/.test(pw)) n++
  return n
}

export function checkPassword(pw: string, username: string): PasswordCheck {
  return {
    length: pw.length >= 8,
    classes: passwordClasses(pw) >= 3,
    notUsername: pw.length > 0 && pw.toLowerCase() !== username.toLowerCase(),
  }
}

export function passwordOk(pw: string, username: string): boolean {
  const c = checkPassword(pw, username)
  return c.length && c.classes && c.notUsername
}
