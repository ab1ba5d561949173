from collections import OrderedDict


class DocumentCache:
    def __init__(self, capacity):
        self.capacity = capacity
        self.docs = OrderedDict()

    def lookup(self, doc_id):
        if doc_id not in self.docs:
            return -1
        self.docs.move_to_end(doc_id)
        return self.docs[doc_id]

    def store(self, doc_id, version):
        self.docs[doc_id] = version
        self.docs.move_to_end(doc_id)
        if len(self.docs) > self.capacity:
            self.docs.popitem(last=False)
