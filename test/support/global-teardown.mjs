export default async function teardown() {
  const { stopEmulators } = await import('./emulators.ts');
  await stopEmulators();
}
