def edit_cost(typed, intended, insert_cost, delete_cost, replace_cost):
    m, n = len(typed), len(intended)
    prev = [j * insert_cost for j in range(n + 1)]
    for i in range(1, m + 1):
        cur = [i * delete_cost] + [0] * n
        for j in range(1, n + 1):
            same = typed[i - 1] == intended[j - 1]
            cur[j] = min(
                prev[j] + delete_cost,
                cur[j - 1] + insert_cost,
                prev[j - 1] + (0 if same else insert_cost),
            )
        prev = cur
    return prev[n]
