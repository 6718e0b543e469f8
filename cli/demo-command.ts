export async function demoCommand(_o: { json?: boolean }): Promise<number> { return 3; }
