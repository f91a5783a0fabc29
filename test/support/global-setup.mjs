// Plain ESM so Node loads the TypeScript modules natively: jest would otherwise require() them,
// and the SQS emulator is an ES module only.
export default async function setup() {
  const { startEmulators } = await import('./emulators.ts');
  await startEmulators();
}
