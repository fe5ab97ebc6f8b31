# Trains a sentencepiece BPE model of the given vocabulary size and reports tokens per word as JSON.
# Usage: python3 sentencepiece_bpe.py sentences.txt vocab_size workdir
import json
import sys
import time

import sentencepiece as spm

corpus, vocab_size, workdir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
start = time.perf_counter()
spm.SentencePieceTrainer.train(input=corpus, model_prefix=f'{workdir}/spm', vocab_size=vocab_size, model_type='bpe',
                               character_coverage=1.0, input_sentence_size=0, shuffle_input_sentence=False,
                               train_extremely_large_corpus=False, minloglevel=2, num_threads=1)
seconds = time.perf_counter() - start
sp = spm.SentencePieceProcessor(model_file=f'{workdir}/spm.model')
tokens = words = 0
with open(corpus, encoding='utf-8') as f:
    for line in f:
        tokens += len(sp.encode(line.rstrip('\n')))
        words += len(line.split())
print(json.dumps({'seconds': seconds, 'tokens': tokens, 'words': words, 'tokens_per_word': tokens / words}))
