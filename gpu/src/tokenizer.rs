//! A model's tokenizer and chat template together: what turns a conversation into token ids, and
//! which of those ids the model is trained to predict. Reads the files' bytes, so the browser
//! preview can use it too.

use serde_json::Value as Json;
use tokenizers::Tokenizer;

use crate::template::{CHATML, ChatTemplate, LLAMA3, Message, TemplateError};

#[derive(Debug, thiserror::Error)]
pub enum TokenizerError {
    #[error("tokenizer.json: {0}")]
    Tokenizer(String),
    #[error("tokenizer_config.json is not valid JSON: {0}")]
    Config(String),
    #[error(transparent)]
    Template(#[from] TemplateError),
}

/// A conversation as token ids, with `train[i]` true where token `i` belongs to an answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    pub ids: Vec<u32>,
    pub train: Vec<bool>,
}

pub struct ChatTokenizer {
    pub tokenizer: Tokenizer,
    pub template: ChatTemplate,
    /// Ids that end an answer: the eos token and the template's end-of-turn marker.
    pub stop_ids: Vec<u32>,
}

impl std::fmt::Debug for ChatTokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatTokenizer").field("stop_ids", &self.stop_ids).finish_non_exhaustive()
    }
}

/// A special token in tokenizer_config.json is either a string or `{"content": "..."}`.
fn token_text(v: Option<&Json>) -> Option<String> {
    match v? {
        Json::String(s) => Some(s.clone()),
        Json::Object(o) => o.get("content").and_then(|c| c.as_str()).map(str::to_string),
        _ => None,
    }
}

impl ChatTokenizer {
    /// `tokenizer_json` is tokenizer.json; `config_json` is tokenizer_config.json when present.
    pub fn from_bytes(tokenizer_json: &[u8], config_json: Option<&[u8]>) -> Result<Self, TokenizerError> {
        let tokenizer = Tokenizer::from_bytes(tokenizer_json).map_err(|e| TokenizerError::Tokenizer(e.to_string()))?;
        let config: Json = match config_json {
            Some(b) => serde_json::from_slice(b).map_err(|e| TokenizerError::Config(e.to_string()))?,
            None => Json::Null,
        };
        let bos = token_text(config.get("bos_token")).unwrap_or_default();
        let eos = token_text(config.get("eos_token")).unwrap_or_default();
        // Some models keep a list of named templates; the default one is what chat uses.
        let source = match config.get("chat_template") {
            Some(Json::String(s)) => Some(s.clone()),
            Some(Json::Array(list)) => list
                .iter()
                .find(|t| t.get("name").and_then(|n| n.as_str()) == Some("default"))
                .and_then(|t| t.get("template")?.as_str().map(str::to_string)),
            _ => None,
        };
        let fallback = if tokenizer.token_to_id("<|start_header_id|>").is_some() { LLAMA3 } else { CHATML };
        let template = ChatTemplate::new(source.as_deref(), &bos, &eos, fallback)?;
        let mut stop_ids = Vec::new();
        for t in [eos.as_str(), "<|im_end|>", "<|eot_id|>", "<|endoftext|>", "</s>"] {
            if let Some(id) = tokenizer.token_to_id(t) {
                if !stop_ids.contains(&id) {
                    stop_ids.push(id);
                }
            }
        }
        Ok(ChatTokenizer { tokenizer, template, stop_ids })
    }

    pub fn encode_text(&self, text: &str) -> Result<Vec<u32>, TokenizerError> {
        let enc = self.tokenizer.encode(text, false).map_err(|e| TokenizerError::Tokenizer(e.to_string()))?;
        Ok(enc.get_ids().to_vec())
    }

    pub fn decode(&self, ids: &[u32]) -> Result<String, TokenizerError> {
        self.tokenizer.decode(ids, true).map_err(|e| TokenizerError::Tokenizer(e.to_string()))
    }

    /// The prompt for the next answer: the conversation so far, ending with the assistant header.
    pub fn encode_prompt(&self, messages: &[Message]) -> Result<Vec<u32>, TokenizerError> {
        self.encode_text(&self.template.render(messages, true)?)
    }

    /// A whole conversation for training. With `all_tokens`, every token is a target; otherwise
    /// only the tokens of the assistant's answers (including the end-of-turn marker).
    pub fn encode_conversation(&self, messages: &[Message], all_tokens: bool) -> Result<Encoded, TokenizerError> {
        let (text, spans) = self.template.render_with_spans(messages)?;
        let enc = self.tokenizer.encode(text.as_str(), false).map_err(|e| TokenizerError::Tokenizer(e.to_string()))?;
        let ids = enc.get_ids().to_vec();
        let train = enc
            .get_offsets()
            .iter()
            .map(|&(start, end)| all_tokens || spans.iter().any(|s| start >= s.start && end <= s.end && end > start))
            .collect();
        Ok(Encoded { ids, train })
    }
}
