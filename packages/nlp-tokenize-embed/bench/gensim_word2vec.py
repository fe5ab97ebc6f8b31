# Trains gensim word2vec on the same tokens and settings as bench/run.ts and reports timing as JSON.
# Usage: python3 gensim_word2vec.py sentences.txt out-vectors.txt questions.txt|- '{"vector_size": 100, ...}'
import json
import sys
import time

from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence

corpus, out_path, questions, settings = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
sentences = list(LineSentence(corpus))
model = Word2Vec(vector_size=settings['vector_size'], window=settings['window'], min_count=settings['min_count'],
                 sample=settings['sample'], negative=settings['negative'], sg=settings['sg'], alpha=settings['alpha'],
                 min_alpha=settings['min_alpha'], seed=settings['seed'], workers=settings['workers'], hs=0)
model.build_vocab(sentences)
start = time.perf_counter()
model.train(sentences, total_examples=len(sentences), epochs=settings['epochs'])
seconds = time.perf_counter() - start
raw_words = int(sum(int(model.wv.get_vecattr(w, 'count')) for w in model.wv.index_to_key))
model.wv.save_word2vec_format(out_path, binary=False)
result = {'seconds': seconds, 'retained_words': raw_words, 'words_per_second': raw_words * settings['epochs'] / seconds,
          'vocab': len(model.wv.index_to_key)}
if questions != '-':
    score, sections = model.wv.evaluate_word_analogies(questions)
    total = sections[-1]
    result['gensim_own_evaluation'] = {'accuracy': float(score), 'correct': len(total['correct']), 'incorrect': len(total['incorrect'])}
print(json.dumps(result))
