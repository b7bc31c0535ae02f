const pad = (n: number) => String(n).padStart(2, '0');

/** The original's run id: local time `YYYY-MM-DD--HH-MM-SS`, with `-2`, `-3`… when that second is taken. */
export async function newGridSearchId(taken: (id: string) => Promise<boolean>, now = new Date()): Promise<string> {
  const base = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}--${pad(now.getHours())}-${pad(now.getMinutes())}-${pad(now.getSeconds())}`;
  for (let i = 1; ; i++) {
    const id = i === 1 ? base : `${base}-${i}`;
    if (!(await taken(id))) return id;
  }
}
