function is_near_palindrome(code) {
  const chars = [...code.toLowerCase()].filter((c) => c !== "-");
  const mirrored = (i, j) => {
    for (; i < j; i++, j--) if (chars[i] !== chars[j]) return false;
    return true;
  };
  for (let i = 0, j = chars.length - 1; i < j; i++, j--) {
    if (chars[i] !== chars[j]) return mirrored(i + 1, j) || mirrored(i, j - 1);
  }
  return true;
}
