// Runes everywhere ($props, $derived); the library's stores read as `$store` all the same.
export default { compilerOptions: { runes: true } };
