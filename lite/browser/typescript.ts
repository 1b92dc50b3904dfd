/** The TypeScript compiler as an ES module of the site (the kernel compiles cells with it). */
import ts from "typescript";
export default ts;
