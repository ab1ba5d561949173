def is_near_palindrome(code):
    chars = [c.lower() for c in code if c != "-"]

    def mirrored(i, j):
        while i < j:
            if chars[i] != chars[j]:
                return False
            i, j = i + 1, j - 1
        return True

    i, j = 0, len(chars) - 1
    while i < j:
        if chars[i] != chars[j]:
            return mirrored(i + 1, j) or mirrored(i, j - 1)
        i, j = i + 1, j - 1
    return True
