export { runBabyhelm } from "./commands.js";
export { EXIT, type BabyhelmIo } from "./io.js";
export { credentialsPath } from "./credentials.js";
