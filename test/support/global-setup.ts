export default async function setup(): Promise<void> { process.env.X_SETUP = '1'; }
