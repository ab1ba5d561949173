def leaf_total(root):
    # Treats the last level of the list as the leaves.
    if not root:
        return 0
    size = 1
    while size * 2 - 1 < len(root):
        size *= 2
    return sum(v for v in root[size - 1 :] if v is not None) if len(root) > 1 else root[0]
